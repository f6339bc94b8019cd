//! The folders of `src/` are layers: each may import only the layers listed for it below, and
//! no two files import each other, directly or through others. This reads the source itself:
//! `use` trees and inline paths (`crate::…`, `super::…`, a `mod.rs` naming its children), with
//! comments and string literals left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each layer and the layers it may import. `lib.rs` (the façade) may import every layer,
/// and no file inside the crate imports the façade.
const LAYERS: &[(&str, &[&str])] = &[
    ("lang", &[]),
    ("clock", &[]),
    ("schema", &["lang"]),
    ("error", &["lang", "schema"]),
    ("store", &["lang", "clock", "schema", "error"]),
    ("changes", &["lang", "clock", "schema", "error", "store"]),
    (
        "read",
        &["lang", "clock", "schema", "error", "store", "changes"],
    ),
    (
        "forms",
        &[
            "lang", "clock", "schema", "error", "store", "changes", "read",
        ],
    ),
    (
        "sync",
        &[
            "lang", "clock", "schema", "error", "store", "changes", "read", "forms",
        ],
    ),
    (
        "stats",
        &[
            "lang", "clock", "schema", "error", "store", "changes", "read", "forms",
        ],
    ),
    (
        "export",
        &[
            "lang", "clock", "schema", "error", "store", "changes", "read", "forms", "stats",
        ],
    ),
    (
        "report",
        &[
            "lang", "clock", "schema", "error", "store", "changes", "read", "forms", "stats",
        ],
    ),
    (
        "demo",
        &[
            "lang", "clock", "schema", "error", "store", "changes", "read",
        ],
    ),
];

/// A source file and the module path it defines (`sync/bundle/file.rs` → sync, bundle, file).
struct Source {
    path: PathBuf,
    module: Vec<String>,
    text: String,
}

fn sources(root: &Path) -> Vec<Source> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(root).expect("inside src");
            let mut module: Vec<String> = rel
                .with_extension("")
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            if module.last().is_some_and(|m| m == "mod" || m == "lib") {
                module.pop();
            }
            let text = inline_modules(&strip(&std::fs::read_to_string(&path).expect("read file")));
            out.push(Source { path, module, text });
        }
    }
    out.sort_by(|a, b| a.module.cmp(&b.module));
    out
}

/// The code without comments, string and char literals (a path in a doc link or a message is
/// not an import).
fn strip(code: &str) -> String {
    let b = code.as_bytes();
    let mut out = String::with_capacity(code.len());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let mut depth = 0;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if b[i] == b'r' && (b[i..].starts_with(b"r\"") || b[i..].starts_with(b"r#")) {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while j < b.len() && b[j] == b'#' {
                hashes += 1;
                j += 1;
            }
            if j < b.len() && b[j] == b'"' {
                let end: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                j += 1;
                while j < b.len() && !b[j..].starts_with(&end) {
                    j += 1;
                }
                i = (j + end.len()).min(b.len());
                out.push_str("\"\"");
            } else {
                out.push('r');
                i += 1;
            }
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if b[i] == b'\'' && i + 2 < b.len() && (b[i + 2] == b'\'' || b[i + 1] == b'\\') {
            // A char literal ('a', '\n', '\u{2019}'); a lifetime has no closing quote.
            let mut j = i + 1;
            if b[j] == b'\\' {
                j += 2;
            } else {
                j += 1;
            }
            while j < b.len() && b[j] != b'\'' {
                j += 1;
            }
            i = j + 1;
            out.push_str("' '");
        } else {
            let ch = code[i..].chars().next().expect("a char");
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// Inside an inline module (`mod tests { use super::*; }`), `super` is the file's own module:
/// written `self` here so that paths resolve against the file.
fn inline_modules(code: &str) -> String {
    let mut out = code.to_string();
    let mut from = 0;
    while let Some(found) = out[from..].find("mod ") {
        let at = from + found;
        from = at + 4;
        if out[..at]
            .chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        let head: String = out[from..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || c.is_whitespace())
            .collect();
        if !out[from + head.len()..].starts_with('{') {
            continue; // `mod name;`: a module in its own file
        }
        let open = from + head.len();
        let mut depth = 0;
        let mut end = out.len();
        for (i, c) in out[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let body = out[open..end].replace("super::", "self::");
        out.replace_range(open..end, &body);
    }
    out
}

/// Expands a `use` tree (`a::{b, c::{d, e as f}, self}`) into full paths.
fn expand(tree: &str) -> Vec<Vec<String>> {
    fn parse(s: &[char], i: &mut usize, prefix: &[String], out: &mut Vec<Vec<String>>) {
        let mut path = prefix.to_vec();
        let mut word = String::new();
        while *i < s.len() {
            let c = s[*i];
            if c.is_alphanumeric() || c == '_' || c == '*' {
                word.push(c);
                *i += 1;
            } else if c == ':' {
                if !word.is_empty() {
                    path.push(std::mem::take(&mut word));
                }
                *i += 1;
            } else if c == '{' {
                *i += 1;
                loop {
                    parse(s, i, &path, out);
                    if *i >= s.len() || s[*i] == '}' {
                        *i += 1;
                        break;
                    }
                    *i += 1; // the comma
                }
                return;
            } else if c == ',' || c == '}' {
                break;
            } else if c.is_whitespace() {
                if word == "as" {
                    word.clear();
                    // The alias is not part of the path.
                    while *i < s.len() && s[*i].is_whitespace() {
                        *i += 1;
                    }
                    while *i < s.len() && (s[*i].is_alphanumeric() || s[*i] == '_') {
                        *i += 1;
                    }
                    break;
                }
                if !word.is_empty() && word != "as" {
                    path.push(std::mem::take(&mut word));
                }
                *i += 1;
            } else {
                *i += 1;
            }
        }
        if !word.is_empty() {
            path.push(word);
        }
        if path.last().is_some_and(|w| w == "self" || w == "*") {
            path.pop();
        }
        out.push(path);
    }
    let chars: Vec<char> = tree.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    parse(&chars, &mut i, &[], &mut out);
    out
}

/// Every module path a file names, resolved against its own module: `crate::…`, `super::…`,
/// `self::…` and, in `use` trees, a child module by its bare name.
fn imports(src: &Source, modules: &BTreeSet<Vec<String>>) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    // `use` trees first, then inline paths anywhere else in the code.
    let mut rest = src.text.as_str();
    let mut uses: Vec<String> = Vec::new();
    // The code outside `use` items, for inline paths.
    let mut code = String::with_capacity(src.text.len());
    while let Some(at) = rest.find("use ") {
        let before = rest[..at].chars().last();
        code.push_str(&rest[..at]);
        let after = &rest[at + 4..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            code.push_str("use ");
            rest = after;
            continue;
        }
        let end = after.find(';').unwrap_or(after.len());
        uses.push(after[..end].to_string());
        rest = &after[end..];
    }
    code.push_str(rest);
    let text = &code;
    let mut paths: Vec<Vec<String>> = uses.iter().flat_map(|u| expand(u)).collect();
    // Inline paths: `crate::…`, `super::…`, `self::…` and a child module's name (`csv_out::CsvSink`
    // in export/mod.rs); other names (std, other crates, types) are left out below.
    for (at, _) in text.match_indices("::") {
        let start = text[..at]
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
            .last()
            .map_or(at, |(i, _)| i);
        if start == at
            || text[..start]
                .chars()
                .last()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
        {
            continue; // not the head of a path
        }
        let path: String = text[start..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        paths.push(
            path.split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        );
    }
    for path in paths {
        let Some(first) = path.first() else { continue };
        let absolute: Vec<String> = match first.as_str() {
            "crate" => path[1..].to_vec(),
            "super" => {
                let mut base = src.module.clone();
                let mut segs = path.as_slice();
                // A file `a/b.rs` is module a::b: `super` is `a`.
                while segs.first().is_some_and(|s| s == "super") {
                    base.pop();
                    segs = &segs[1..];
                }
                base.into_iter().chain(segs.iter().cloned()).collect()
            }
            "self" => src.module.iter().chain(&path[1..]).cloned().collect(),
            child => {
                let mut m = src.module.clone();
                m.push(child.to_string());
                if modules.contains(&m) {
                    src.module.iter().chain(&path).cloned().collect()
                } else {
                    continue; // std, a crate, or a name in scope
                }
            }
        };
        // The deepest module the path names (the rest is an item inside it).
        let target = (0..=absolute.len())
            .rev()
            .map(|k| absolute[..k].to_vec())
            .find(|m| modules.contains(m))
            .unwrap_or_default();
        if target != src.module {
            out.push((target, absolute.join("::")));
        }
    }
    out
}

fn shown(module: &[String]) -> String {
    if module.is_empty() {
        "lib.rs".into()
    } else {
        module.join("::")
    }
}

#[test]
fn each_folder_imports_only_the_layers_below_it_and_no_file_imports_itself_back() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = sources(&root);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| f.module.clone()).collect();
    let allowed: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    let mut problems = Vec::new();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for f in &files {
        let Some(layer) = f.module.first() else {
            continue; // lib.rs, the façade
        };
        let Some(may) = allowed.get(layer.as_str()) else {
            problems.push(format!(
                "{} is in a folder no layer names: add it to LAYERS",
                f.path.display()
            ));
            continue;
        };
        for (target, path) in imports(f, &modules) {
            edges
                .entry(f.module.clone())
                .or_default()
                .insert(target.clone());
            match target.first() {
                None => problems.push(format!(
                    "{} imports the façade ({path}): name the module that defines it",
                    shown(&f.module)
                )),
                Some(t) if t != layer && !may.contains(&t.as_str()) => problems.push(format!(
                    "{} ({layer}) imports {} ({t}): {layer} may import only {may:?}",
                    shown(&f.module),
                    shown(&target)
                )),
                _ => {}
            }
        }
    }
    problems.extend(cycles(&edges).into_iter().map(|c| {
        format!(
            "import cycle: {}",
            c.iter().map(|m| shown(m)).collect::<Vec<_>>().join(" → ")
        )
    }));
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// Beyond this a file holds more than one concept: split it along its sections.
const MOST_LINES: usize = 700;

#[test]
fn no_source_file_is_longer_than_one_concept() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let long: Vec<String> = sources(&root)
        .iter()
        .map(|f| (f, std::fs::read_to_string(&f.path).expect("read file")))
        .filter(|(_, text)| text.lines().count() > MOST_LINES)
        .map(|(f, text)| format!("{}: {} lines", f.path.display(), text.lines().count()))
        .collect();
    assert!(
        long.is_empty(),
        "over {MOST_LINES} lines:\n{}",
        long.join("\n")
    );
}

/// The desktop shell is a face over core and hub: logic that grows there belongs here or in the
/// hub, where the CLI reaches it too. A command is a few lines over one core or hub function,
/// so the shell may grow with its commands but not within them: at most 16 lines per command,
/// the state and the handler list included. Its own tests (a file's `#[cfg(test)]` module,
/// which ends it) are not logic and do not count.
#[test]
fn the_desktop_shell_stays_a_face() {
    let shell = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../src-tauri/src");
    let texts: Vec<String> = sources(&shell)
        .iter()
        .map(|f| std::fs::read_to_string(&f.path).expect("read file"))
        .collect();
    let lines: usize = texts
        .iter()
        .map(|t| {
            t.lines()
                .take_while(|line| line.trim() != "#[cfg(test)]")
                .count()
        })
        .sum();
    let commands: usize = texts
        .iter()
        .map(|t| t.matches("#[tauri::command").count())
        .sum();
    assert!(lines > 300, "the shell's sources were read: {lines} lines");
    assert!(
        commands > 30,
        "the shell's commands were counted: {commands}"
    );
    assert!(
        lines <= 16 * commands,
        "src-tauri/src has {lines} lines for {commands} commands: move logic into core or the hub"
    );
}

/// The cycles of a graph, one per strongly connected component of more than one file.
fn cycles(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<Vec<String>>> {
    // Tarjan's algorithm, iterative enough for a few dozen files.
    struct Walk<'a> {
        edges: &'a BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        index: BTreeMap<&'a Vec<String>, usize>,
        low: BTreeMap<&'a Vec<String>, usize>,
        stack: Vec<&'a Vec<String>>,
        on_stack: BTreeSet<&'a Vec<String>>,
        next: usize,
        found: Vec<Vec<Vec<String>>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, v: &'a Vec<String>) {
            self.index.insert(v, self.next);
            self.low.insert(v, self.next);
            self.next += 1;
            self.stack.push(v);
            self.on_stack.insert(v);
            if let Some(targets) = self.edges.get(v) {
                for w in targets {
                    if !self.index.contains_key(w) {
                        self.visit(w);
                        let lw = self.low[w];
                        let lv = self.low.get_mut(v).expect("visited");
                        *lv = (*lv).min(lw);
                    } else if self.on_stack.contains(w) {
                        let iw = self.index[w];
                        let lv = self.low.get_mut(v).expect("visited");
                        *lv = (*lv).min(iw);
                    }
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.push(w.clone());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.reverse();
                    self.found.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !walk.index.contains_key(v) {
            walk.visit(v);
        }
    }
    walk.found
}

#[test]
fn the_checker_sees_imports_in_use_trees_and_paths_and_finds_cycles() {
    let paths = expand("crate::{a::{b, c as d}, e::*, f::self}");
    assert_eq!(
        paths,
        vec![
            vec!["crate", "a", "b"],
            vec!["crate", "a", "c"],
            vec!["crate", "e"],
            vec!["crate", "f"],
        ]
    );
    assert_eq!(
        strip("a // crate::x\n\"crate::y\" /* crate::z */ '\"' b"),
        "a \n\"\"  ' ' b"
    );
    assert_eq!(
        inline_modules("use super::a; mod tests { use super::*; mod deeper { } } mod b;"),
        "use super::a; mod tests { use self::*; mod deeper { } } mod b;"
    );
    let m = |s: &str| s.split('/').map(str::to_string).collect::<Vec<_>>();
    let mut edges = BTreeMap::new();
    edges.insert(m("a/x"), BTreeSet::from([m("a/y")]));
    edges.insert(m("a/y"), BTreeSet::from([m("b")]));
    edges.insert(m("b"), BTreeSet::from([m("a/x")]));
    assert_eq!(cycles(&edges), vec![vec![m("a/x"), m("a/y"), m("b")]]);
    let source = Source {
        path: PathBuf::from("sync/mod.rs"),
        module: m("sync"),
        text: strip("pub(crate) mod vector; pub use vector::Vector; use super::store::Store; fn f() { crate::read::get(); std::mem::take(x); batches::next(); }"),
    };
    let modules = BTreeSet::from([
        m("sync"),
        m("sync/vector"),
        m("sync/batches"),
        m("store"),
        m("read"),
    ]);
    let found: Vec<Vec<String>> = imports(&source, &modules)
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert_eq!(
        found,
        vec![m("sync/vector"), m("store"), m("read"), m("sync/batches")]
    );
}
