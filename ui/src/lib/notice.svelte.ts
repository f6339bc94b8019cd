// A short message at the top of the screen after an action ("Saved."), cleared after a while.
class Notice {
  text = $state('');
  private timer: ReturnType<typeof setTimeout> | undefined;

  show(text: string) {
    this.text = text;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => (this.text = ''), 4000);
  }
}

export const notice = new Notice();
