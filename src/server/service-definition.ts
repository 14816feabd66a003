import type * as grpc from "@grpc/grpc-js";
import {
  create,
  fromBinary,
  isMessage,
  toBinary,
  type DescMessage,
  type DescMethod,
  type DescService,
  type Message,
  type MessageInitShape,
  type MessageShape,
} from "@bufbuild/protobuf";
import {
  PushGuard,
  ScreenResponseSchema,
} from "../gen/pushguard/v1/pushguard_pb.js";
import { DecodeError } from "../wire/reader.js";
import { decodeScreenRequest } from "../wire/screen-request.js";
import { encodeScreenResponse } from "../wire/screen-response.js";

type AnyMethod = grpc.MethodDefinition<Message, Message>;

/** What the server does with the bytes of one method. */
interface ServerCodec {
  readonly decode: (bytes: Buffer) => Message;
  readonly encode: (message: Message) => Buffer;
  /**
   * Whether an error `decode` threw means bad bytes (the caller's fault)
   * rather than a bug in the decoder.
   */
  readonly badInput: (error: unknown) => boolean;
}

/**
 * Screen is the hot path: its request and response go through the codecs
 * specialised for them (src/wire), which give what protobuf-es gives at a
 * fraction of the CPU (issue 7). Every other method, and the client side
 * of Screen, keeps protobuf-es's reflective codec.
 */
const SCREEN: ServerCodec = {
  decode: decodeScreenRequest,
  encode: (message) =>
    encodeScreenResponse(built(ScreenResponseSchema, message)),
  badInput: (error) => error instanceof DecodeError,
};

/**
 * protobuf-es throws plain Errors for bytes it cannot read, so for the
 * reflective codec every decode error counts as bad input.
 */
function serverCodec(method: DescMethod): ServerCodec {
  if (method === PushGuard.method.screen) return SCREEN;
  return {
    decode: deserializer(method.input),
    encode: serializer(method.output),
    badInput: () => true,
  };
}

/**
 * Turns a protobuf-es service descriptor into the definition grpc-js wants,
 * so that the server and clients serialise with the generated protobuf-es
 * code (or, for the server's side of Screen, the codecs specialised from
 * it). Only unary methods exist in the contract.
 */
export function grpcServiceDefinition(
  service: DescService,
): grpc.ServiceDefinition {
  const definition: Record<string, AnyMethod> = {};
  for (const method of service.methods) {
    const server = serverCodec(method);
    definition[method.localName] = {
      path: `/${service.typeName}/${method.name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: serializer(method.input),
      requestDeserialize: requestDeserializer(server),
      responseSerialize: server.encode,
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
  return (message: Message) =>
    Buffer.from(toBinary(schema, built(schema, message)));
}

function built<Desc extends DescMessage>(
  schema: Desc,
  message: Message,
): MessageShape<Desc> {
  return isMessage(message, schema)
    ? message
    : create(schema, message as MessageInitShape<Desc>);
}

/**
 * grpc-js hands a Buffer. Decoding a plain Uint8Array view of the same
 * memory makes every slice the decoder takes a plain view too, not a
 * Buffer, which costs less to create (about 10% of a reflective decode).
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

/**
 * A decoder that failed on bytes it should have read: a bug, which the
 * handler answers as INTERNAL and logs, like any other (see `unary`).
 */
export class DecoderFault {
  constructor(readonly error: unknown) {}
}

function requestDeserializer(codec: ServerCodec) {
  return (bytes: Buffer): Message => {
    try {
      return codec.decode(bytes);
    } catch (error) {
      const marker = codec.badInput(error)
        ? new UndecodableRequest(messageOf(error))
        : new DecoderFault(error);
      return marker as unknown as Message;
    }
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
