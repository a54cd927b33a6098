/** Problems of a request or record, named by field; bounded, so hostile input cannot make the answer huge. */
/** A list of problems that stops growing at its limit and says how many it left out. */
export class ProblemList {
  private readonly list: string[] = [];
  private dropped = 0;

  constructor(private readonly max: number) {}

  add(problem: string): void {
    if (this.list.length < this.max) this.list.push(problem);
    else this.dropped += 1;
  }

  get size(): number {
    return this.list.length + this.dropped;
  }

  toArray(): string[] {
    return this.dropped > 0 ? [...this.list, `… and ${this.dropped} more problem${this.dropped > 1 ? 's' : ''}`] : [...this.list];
  }
}
