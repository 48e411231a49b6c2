// An object whose construction waits for its first use, behind the same type: for process-wide
// singletons that every module imports by name (the Logger, Metrics), so none of them changes.
import { lazy } from '../lazy';

/**
 * A stand-in for `create()`'s object, built on the first property read or write. Its class's methods
 * come bound to the real object (so private fields work), one bound function per method; a function
 * set on the object itself (a `jest.spyOn` mock) is returned as set.
 */
export function onFirstUse<T extends object>(create: () => T): T {
  const real = lazy(create);
  const bound = new Map<PropertyKey, { method: unknown; bound: unknown }>();
  return new Proxy({} as T, {
    get(_stub, key) {
      const target = real();
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function' || Object.hasOwn(target, key)) return value;
      let entry = bound.get(key);
      if (entry?.method !== value) {
        entry = { method: value, bound: value.bind(target) };
        bound.set(key, entry);
      }
      return entry.bound;
    },
    set: (_stub, key, value) => Reflect.set(real(), key, value),
    deleteProperty: (_stub, key) => Reflect.deleteProperty(real(), key),
    has: (_stub, key) => Reflect.has(real(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}
