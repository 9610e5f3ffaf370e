import { Kind, type DocumentNode, type FieldDefinitionNode, type TypeNode } from 'graphql';
import type { FieldBinding, SourceDefinition } from '../sources/model.js';
import { readPath, splitPath } from '../sources/template.js';

/** The tag of one entity, by its key (`Product:p1`): what `@invalidates` and a purge by id drop. */
export function entityTag(typeName: string, key: unknown): string {
  return `${typeName}:${String(key)}`;
}

interface TypeShape {
  /** The payload property holding the key, when the type is an entity of the source. */
  keyProperty?: string;
  /** Fields read from the payload whose values may hold entities: payload path, named type. */
  children: Array<{ path: string[]; typeName: string }>;
}

/**
 * Finds the entities in a source's answers, guided by its SDL: every object of an entity type
 * (`@key`) gives the tags `Type` and `Type:<key>`, at any depth of the payload. A cached answer
 * carries them, so purging `Order:o1` drops every answer that holds that order, and purging
 * `Product` drops every answer holding any product. Abstract types are not followed (a REST or
 * gRPC payload does not say which member an object is).
 */
export class EntityTagger {
  readonly #shapes = new Map<string, TypeShape>();
  readonly #returnTypes = new Map<string, string>();

  constructor(def: SourceDefinition) {
    const fields = fieldsByType(def.document);
    const bindings = new Map(def.bindings.map((b) => [`${b.typeName}.${b.fieldName}`, b]));
    const entityKeys = new Map(def.entities.map((e) => [e.typeName, e.field]));
    for (const [typeName, defs] of fields) {
      for (const field of defs) this.#returnTypes.set(`${typeName}.${field.name.value}`, namedType(field.type));
      const keyField = entityKeys.get(typeName);
      const keyBinding = keyField === undefined ? undefined : bindings.get(`${typeName}.${keyField}`);
      this.#shapes.set(typeName, {
        ...(keyField !== undefined ? { keyProperty: keyBinding?.mapFrom ?? keyField } : {}),
        children: defs.flatMap((field) => {
          const binding = bindings.get(`${typeName}.${field.name.value}`);
          // a field with its own call or a @ref is not read from this payload
          if (binding?.call || binding?.ref) return [];
          const child = namedType(field.type);
          return fields.has(child) ? [{ path: splitPath(binding?.mapFrom ?? field.name.value), typeName: child }] : [];
        }),
      });
    }
    this.#pruneLeaves();
  }

  /** The named type a field of the source returns. */
  returnTypeOf(binding: Pick<FieldBinding, 'typeName' | 'fieldName'>): string | undefined {
    return this.#returnTypes.get(`${binding.typeName}.${binding.fieldName}`);
  }

  /** Adds the tags of the entities in `value` (a payload of `typeName`, or a list of them) to `into`. */
  collect(typeName: string, value: unknown, into: Set<string>): void {
    const shape = this.#shapes.get(typeName);
    if (!shape || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) this.collect(typeName, item, into);
      return;
    }
    if (shape.keyProperty !== undefined) {
      const key = (value as Record<string, unknown>)[shape.keyProperty];
      into.add(typeName);
      if (key !== undefined && key !== null) into.add(entityTag(typeName, key));
    }
    for (const child of shape.children) this.collect(child.typeName, readPath(value, child.path), into);
  }

  /** The tag of the parent entity a field call reads (`{root.id}` of `Product.reviews`), if it is one. */
  parentTag(typeName: string, root: unknown): string | undefined {
    const keyProperty = this.#shapes.get(typeName)?.keyProperty;
    const key = keyProperty === undefined ? undefined : (root as Record<string, unknown> | null)?.[keyProperty];
    return key === undefined || key === null ? undefined : entityTag(typeName, key);
  }

  /** Drops the children that can never lead to an entity, so collecting walks only what matters. */
  #pruneLeaves(): void {
    const leads = new Set<string>();
    for (const [name, shape] of this.#shapes) if (shape.keyProperty !== undefined) leads.add(name);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [name, shape] of this.#shapes)
        if (!leads.has(name) && shape.children.some((c) => leads.has(c.typeName))) {
          leads.add(name);
          grew = true;
        }
    }
    for (const shape of this.#shapes.values()) shape.children = shape.children.filter((c) => leads.has(c.typeName));
  }
}

function fieldsByType(document: DocumentNode): Map<string, FieldDefinitionNode[]> {
  const byType = new Map<string, FieldDefinitionNode[]>();
  for (const definition of document.definitions)
    if (
      (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION) &&
      definition.fields
    ) {
      const known = byType.get(definition.name.value) ?? [];
      byType.set(definition.name.value, [...known, ...definition.fields]);
    }
  return byType;
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}
