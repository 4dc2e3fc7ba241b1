// The error a call throws, when it is of the expected class (anything else propagates: a test that
// expects a typed error must fail on a stray one, and on no error at all).
export function thrownBy<E extends Error>(cls: abstract new (...args: never[]) => E, f: () => unknown): E {
  try {
    f();
  } catch (e) {
    if (e instanceof cls) return e;
    throw e;
  }
  throw new Error(`expected a ${cls.name}, the call returned`);
}
