//! Pages, what the app shows one at a time: each top-level question on its own page (notes
//! too), a `field-list` group on one page, each repeat on a page of its own (its instances,
//! to add or remove one) then each instance's questions on one page. Calculations are never
//! shown; pages hold relevant items only.

use crate::forms::model::QuestionType;

use super::compile::CKind;
use super::state::State;
use super::types::{Item, Page};

/// `index[i]`: the item of the state's instance `i` (an `or_other` select's text box follows it).
pub(super) fn pages(state: &State<'_>, items: &[Item], index: &[usize]) -> Vec<Page> {
    let roots: Vec<usize> = (0..state.insts.len())
        .filter(|&i| state.insts[i].parent.is_none())
        .collect();
    let pager = Pager {
        state,
        items,
        index,
    };
    let mut out = Vec::new();
    pager.pages_of(&roots, &mut out);
    out
}

struct Pager<'p, 'a> {
    state: &'p State<'a>,
    items: &'p [Item],
    index: &'p [usize],
}

impl Pager<'_, '_> {
    fn kind(&self, i: usize) -> &CKind {
        &self.state.plan.nodes[self.state.insts[i].node].kind
    }

    fn item(&self, i: usize) -> &Item {
        &self.items[self.index[i]]
    }

    fn pages_of(&self, insts: &[usize], out: &mut Vec<Page>) {
        for &i in insts {
            if !self.state.relevant[i] {
                continue;
            }
            let item = self.item(i);
            match self.kind(i) {
                CKind::Question(QuestionType::Calculate) => {}
                CKind::Question(_) => {
                    let mut items = Vec::new();
                    self.question(i, &mut items);
                    out.push(Page {
                        title: String::new(),
                        path: item.path.clone(),
                        items,
                    });
                }
                CKind::Group { field_list: false } => {
                    self.pages_of(&self.state.insts[i].children, out)
                }
                CKind::Group { field_list: true } => self.one_page(i, out),
                CKind::Repeat => {
                    out.push(Page {
                        title: item.label.clone(),
                        path: item.path.clone(),
                        items: vec![item.path.clone()],
                    });
                    for &instance in &self.state.insts[i].children {
                        self.one_page(instance, out);
                    }
                }
            }
        }
    }

    /// A field-list group or a repeat instance: its questions on one page, then the pages of
    /// the repeats inside it.
    fn one_page(&self, i: usize, out: &mut Vec<Page>) {
        let item = self.item(i);
        let mut items = Vec::new();
        let mut repeats = Vec::new();
        self.gather(i, &mut items, &mut repeats);
        out.push(Page {
            title: item.label.clone(),
            path: item.path.clone(),
            items,
        });
        self.pages_of(&repeats, out);
    }

    fn gather(&self, i: usize, items: &mut Vec<String>, repeats: &mut Vec<usize>) {
        for &child in &self.state.insts[i].children {
            if !self.state.relevant[child] {
                continue;
            }
            match self.kind(child) {
                CKind::Question(QuestionType::Calculate) => {}
                CKind::Question(_) => self.question(child, items),
                CKind::Group { .. } => self.gather(child, items, repeats),
                CKind::Repeat => repeats.push(child),
            }
        }
    }

    /// A question's path, and its `or_other` text box's when shown.
    fn question(&self, i: usize, items: &mut Vec<String>) {
        items.push(self.item(i).path.clone());
        if let Some(other) = self.items.get(self.index[i] + 1) {
            if other.relevant && matches!(other.kind, super::types::ItemKind::Other) {
                items.push(other.path.clone());
            }
        }
    }
}
