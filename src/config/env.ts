const placeholder = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${NAME}` and `${NAME:-default}` with environment values, so addresses can be
 * overridden without editing files. Returns the names that had neither a value nor a default.
 */
export function interpolateEnv(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
): { value: string; missing: string[] } {
  const missing: string[] = [];
  const value = text.replace(placeholder, (_match, name: string, fallback: string | undefined) => {
    const fromEnv = env[name];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    if (fallback !== undefined) return fallback;
    if (!missing.includes(name)) missing.push(name);
    return '';
  });
  return { value, missing };
}
