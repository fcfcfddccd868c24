// At most N calls on the wire at once. A message is marked "sending" only once it holds a slot,
// so "sending" means "its request is really out": after a crash, what is left uncertain is at
// most N per channel, not every message that was queued behind the platform's sockets.
export class InFlightLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly max: number) {}

  async acquire(): Promise<() => void> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight on
      else this.active--;
    };
  }

  get inUse(): number {
    return this.active;
  }
}
