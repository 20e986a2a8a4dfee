// Extension points: where a module lets other modules plug in, without knowing them. The
// module that owns the point declares it (an ExtensionPoint<T>, T being what plugs in) and
// reads what was plugged (Extensions.of); the app, which knows every module, plugs them in
// at start-up (src/app/wiring.ts). Per app, not per process: two apps in one process (tests)
// keep their own.

/** A named place to plug into; `T` is what plugs in. Compared by identity, not by name. */
export class ExtensionPoint<T> {
  declare private readonly plugs?: T;
  constructor(readonly name: string) {}
}

export class Extensions {
  private readonly byPoint = new Map<ExtensionPoint<unknown>, unknown[]>();

  /** Plugs `extension` into `point`, after those plugged before it. */
  register<T>(point: ExtensionPoint<T>, extension: T): this {
    const list = this.byPoint.get(point) ?? [];
    list.push(extension);
    this.byPoint.set(point, list);
    return this;
  }

  /** What is plugged into `point`, in registration order. */
  of<T>(point: ExtensionPoint<T>): readonly T[] {
    return (this.byPoint.get(point) as T[] | undefined) ?? [];
  }
}
