// The commands of the Rust side, generated into ../bindings.ts; every failure arrives as an AppError.
import { commands } from "../bindings";
import { toError } from "./errors";

type Commands = typeof commands;

/** The generated commands, each rethrowing its failure as an AppError `{code, message, fields?}`. */
export const api: Commands = new Proxy(commands, {
  get(target, name: string) {
    const f = (target as Record<string, unknown>)[name];
    if (typeof f !== "function") return f;
    return async (...args: unknown[]) => {
      try {
        return await (f as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch (e) {
        throw toError(e);
      }
    };
  },
}) as Commands;
