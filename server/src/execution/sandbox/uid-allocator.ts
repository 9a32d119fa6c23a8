// Hands out host uids from [base, base+count) so each live sandbox has its own: the
// kernel counts RLIMIT_NPROC per uid, and a uid's processes can signal each other.
// Freed uids go to the back of the line, so a uid is reused as late as possible.
export class UidAllocator {
  private readonly free: number[];

  constructor(base: number, count: number) {
    if (!Number.isInteger(base) || base < 1000 || !Number.isInteger(count) || count < 1) {
      throw new Error(`invalid sandbox uid range ${base}+${count}`);
    }
    this.free = Array.from({ length: count }, (_, i) => base + i);
  }

  get available(): number {
    return this.free.length;
  }

  take(): number | undefined {
    return this.free.shift();
  }

  release(uid: number): void {
    this.free.push(uid);
  }
}
