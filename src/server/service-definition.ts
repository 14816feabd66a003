import type * as grpc from "@grpc/grpc-js";
import {
  create,
  fromBinary,
  isMessage,
  toBinary,
  type DescMessage,
  type DescService,
  type Message,
  type MessageInitShape,
} from "@bufbuild/protobuf";

type AnyMethod = grpc.MethodDefinition<Message, Message>;

/**
 * Turns a protobuf-es service descriptor into the definition grpc-js wants,
 * so that the server and clients serialise with the generated protobuf-es
 * code and nothing else. Only unary methods exist in the contract.
 */
export function grpcServiceDefinition(
  service: DescService,
): grpc.ServiceDefinition {
  const definition: Record<string, AnyMethod> = {};
  for (const method of service.methods) {
    definition[method.localName] = {
      path: `/${service.typeName}/${method.name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: serializer(method.input),
      requestDeserialize: requestDeserializer(method.input),
      responseSerialize: serializer(method.output),
      responseDeserialize: deserializer(method.output),
      originalName: method.localName,
    };
  }
  return definition as grpc.ServiceDefinition;
}

/**
 * Serialises a message, or a plain init object (`{ userId: "u" }`) that a
 * Node client passes instead, by building the message first.
 */
function serializer(schema: DescMessage) {
  return (message: Message) => {
    const built = isMessage(message, schema)
      ? message
      : create(schema, message as MessageInitShape<DescMessage>);
    return Buffer.from(toBinary(schema, built));
  };
}

/**
 * grpc-js hands a Buffer. Decoding a plain Uint8Array view of the same
 * memory makes every slice the decoder takes a plain view too, not a
 * Buffer, which costs less to create (about 10% of decoding a Screen).
 */
function deserializer(schema: DescMessage) {
  return (bytes: Buffer): Message =>
    fromBinary(
      schema,
      new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    );
}

/**
 * A request that arrived but does not decode (bad UTF-8 in a string, a
 * truncated field). grpc-js answers a throwing deserializer with INTERNAL;
 * the bytes are the caller's mistake, so the server hands this marker to
 * the handler instead, which answers INVALID_ARGUMENT (see `unary`).
 */
export class UndecodableRequest {
  constructor(readonly reason: string) {}
}

function requestDeserializer(schema: DescMessage) {
  const decode = deserializer(schema);
  return (bytes: Buffer): Message => {
    try {
      return decode(bytes);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return new UndecodableRequest(reason) as unknown as Message;
    }
  };
}
