// Finding a choice by typing: the words typed are prefixes of words of the label, in any
// position ("rel" and "a r" both find « Autorité religieuse »), accents and case ignored. What
// was typed stays visible in the box, so there is no hidden time window as with a native
// select's type-ahead, where two letters typed within a second read as one prefix.

export interface ChoiceOption {
  value: string;
  label: string;
}

/** Lower case, without accents, with typographic apostrophes made plain. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replaceAll('’', "'").toLowerCase();
}

function words(text: string): string[] {
  return fold(text).split(/[\s/]+/).filter((w) => w !== '');
}

/**
 * The options whose label matches what was typed, best first: labels that begin with the
 * typed text, then labels whose first word begins with the first typed word, then the others;
 * each group in the list's own order. An empty query matches every option.
 */
export function searchChoices(options: readonly ChoiceOption[], query: string): ChoiceOption[] {
  const typed = words(query);
  if (typed.length === 0) return [...options];
  const whole = fold(query).trim();
  const ranked: { option: ChoiceOption; rank: number; index: number }[] = [];
  options.forEach((option, index) => {
    const own = words(option.label);
    if (!typed.every((t) => own.some((w) => w.startsWith(t)))) return;
    const rank = fold(option.label).startsWith(whole) ? 0 : own[0]?.startsWith(typed[0]) ? 1 : 2;
    ranked.push({ option, rank, index });
  });
  ranked.sort((a, b) => a.rank - b.rank || a.index - b.index);
  return ranked.map((r) => r.option);
}
