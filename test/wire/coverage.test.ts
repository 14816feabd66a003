/**
 * The specialised codecs handle every field by hand, so a field added to
 * the proto and regenerated must fail here until the codec handles it
 * too: every field reachable from ScreenRequest and ScreenResponse is
 * found from the generated descriptors, set alone to a value that is not
 * its zero, and the codec must agree with protobuf-es on it.
 */
import { describe, expect, it } from "vitest";
import {
  create,
  fromBinary,
  ScalarType,
  toBinary,
  type DescField,
  type DescMessage,
  type MessageInitShape,
} from "@bufbuild/protobuf";
import {
  ScreenRequestSchema,
  ScreenResponseSchema,
} from "../../src/gen/pushguard/v1/pushguard_pb.js";
import { decodeScreenRequest } from "../../src/wire/screen-request.js";
import { encodeScreenResponse } from "../../src/wire/screen-response.js";

/** Every field under `schema`, each with the message fields leading to it. */
function* fieldPaths(
  schema: DescMessage,
  path: DescField[] = [],
): Generator<DescField[]> {
  for (const field of schema.fields) {
    yield [...path, field];
    const nested = nestedMessage(field);
    if (nested !== undefined) yield* fieldPaths(nested, [...path, field]);
  }
}

function nestedMessage(field: DescField): DescMessage | undefined {
  if (field.fieldKind === "message") return field.message;
  if (field.fieldKind === "list" && field.listKind === "message") {
    return field.message;
  }
  return undefined;
}

/** A value for the field that protobuf-es writes (not its zero). */
function sample(field: DescField): unknown {
  switch (field.fieldKind) {
    case "scalar":
      return scalarSample(field.scalar);
    case "enum":
      return 1;
    case "message":
      return {};
    case "list":
      if (field.listKind === "scalar") return [scalarSample(field.scalar)];
      return field.listKind === "enum" ? [1] : [{}];
    case "map":
      return { key: "value" };
  }
}

function scalarSample(type: ScalarType): unknown {
  switch (type) {
    case ScalarType.STRING:
      return "测试 ✓";
    case ScalarType.BOOL:
      return true;
    case ScalarType.BYTES:
      return new Uint8Array([1]);
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return 1234567890123n;
    case ScalarType.FLOAT:
    case ScalarType.DOUBLE:
      return 0.5;
    default:
      return 7;
  }
}

/** An init object setting only the last field of `path`. */
function initFor(path: DescField[]): Record<string, unknown> {
  const [field, ...rest] = path;
  if (field === undefined) return {};
  const value = rest.length === 0 ? sample(field) : initFor(rest);
  const isList = field.fieldKind === "list";
  return { [field.localName]: isList && rest.length > 0 ? [value] : value };
}

function named(path: DescField[]): string {
  return path.map((field) => field.name).join(".");
}

const requestFields = [...fieldPaths(ScreenRequestSchema)].map((path) => ({
  field: named(path),
  path,
}));

const responseFields = [...fieldPaths(ScreenResponseSchema)].map((path) => ({
  field: named(path),
  path,
}));

type RequestInit = MessageInitShape<typeof ScreenRequestSchema>;
type ResponseInit = MessageInitShape<typeof ScreenResponseSchema>;

describe("decodeScreenRequest covers the proto", () => {
  it("finds the nested fields of the request", () => {
    const names = requestFields.map((f) => f.field);
    expect(names).toContain("candidates.published_at.seconds");
    expect(names).toContain("provider.licenses");
  });

  it.each(requestFields)("decodes $field", ({ path }) => {
    const init = initFor(path) as RequestInit;
    const bytes = toBinary(
      ScreenRequestSchema,
      create(ScreenRequestSchema, init),
    );
    expect(decodeScreenRequest(bytes)).toStrictEqual(
      fromBinary(ScreenRequestSchema, bytes, { readUnknownFields: false }),
    );
  });
});

describe("encodeScreenResponse covers the proto", () => {
  it("finds the nested fields of the response", () => {
    const names = responseFields.map((f) => f.field);
    expect(names).toContain("budget.next_allowed_at.nanos");
    expect(names).toContain("would_drop.reasons.message");
  });

  it.each(responseFields)("encodes $field", ({ path }) => {
    const init = initFor(path) as ResponseInit;
    const response = create(ScreenResponseSchema, init);
    expect(encodeScreenResponse(response)).toStrictEqual(
      Buffer.from(toBinary(ScreenResponseSchema, response)),
    );
  });
});
