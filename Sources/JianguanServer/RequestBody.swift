import Foundation
import Hummingbird
import NIOCore

/// A JSON form a route accepts: its fields are checked by name before it is decoded, so that an
/// unknown or missing field is refused with one sentence naming it.
protocol RequestBody: Codable, Sendable {
  /// Every field the form may carry.
  static var fieldNames: [String] { get }
}

private struct AnyKey: CodingKey {
  var stringValue: String
  var intValue: Int? { nil }
  init(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { nil }
}

/// The form `T` with its field names checked first, in one pass over the JSON: the names of
/// the object's members are read from the same decoder that then decodes `T` (the text is
/// scanned once, not once for the names and again for the form).
private struct CheckedBody<T: RequestBody>: Decodable {
  /// The body is not one JSON object.
  struct NotAnObject: Error {}
  /// The first member name, in sorted order, that `T` does not take.
  struct UnknownField: Error { let name: String }
  /// `T`'s own decoding failed.
  struct Invalid: Error { let error: DecodingError }

  let value: T
  init(from decoder: any Decoder) throws {
    let names: [String]
    do { names = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue) } catch {
      throw NotAnObject()
    }
    if let unknown = names.sorted().first(where: { !T.fieldNames.contains($0) }) {
      throw UnknownField(name: unknown)
    }
    do { value = try T(from: decoder) } catch let error as DecodingError { throw Invalid(error: error) }
  }
}

extension Request {
  /// The body decoded as `T`, or a 400/413 refusal naming what is wrong.
  func decode<T: RequestBody>(_ type: T.Type, context: ServerRequestContext) async throws -> T {
    let buffer: ByteBuffer
    do {
      buffer = try await body.collect(upTo: context.maxUploadSize)
    } catch is NIOTooManyBytesError {
      throw APIError(
        .contentTooLarge, "body_too_large", "the request body is larger than \(context.maxUploadSize) bytes")
    }
    do {
      return try JSONDecoder().decode(CheckedBody<T>.self, from: Data(buffer.readableBytesView)).value
    } catch let unknown as CheckedBody<T>.UnknownField {
      throw APIError.badRequest(
        "field_unknown",
        "field \(quoted(unknown.name)) is not a field of this request (fields: \(T.fieldNames.joined(separator: ", ")))"
      )
    } catch let invalid as CheckedBody<T>.Invalid {
      throw APIError.badRequest("field_invalid", Self.sentence(invalid.error))
    } catch is CheckedBody<T>.NotAnObject, is DecodingError {
      // JSON but not an object, or not JSON at all (the scanner's error, before any member).
      throw APIError.badRequest("body_not_json_object", "the request body must be one JSON object")
    }
  }

  private func quoted(_ text: String) -> String { "\"" + text.prefix(64) + "\"" }

  static func sentence(_ error: DecodingError) -> String {
    func name(_ path: [any CodingKey]) -> String {
      "\"" + path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") + "\""
    }
    switch error {
    case .keyNotFound(let key, let context):
      return "field \(name(context.codingPath + [key])) is missing"
    case .valueNotFound(_, let context):
      return "field \(name(context.codingPath)) must not be null"
    case .typeMismatch(let type, let context):
      return "field \(name(context.codingPath)) must be \(Self.kind(type))"
    case .dataCorrupted(let context):
      return context.codingPath.isEmpty
        ? "the request body is not valid JSON"
        : "field \(name(context.codingPath)) must be \(context.debugDescription.contains("Int") ? "a whole number that fits in 64 bits" : "a valid value")"
    @unknown default:
      return "the request body is not valid"
    }
  }

  private static func kind(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: "a string"
    case is Int64.Type, is Int.Type: "a whole number"
    case is Bool.Type: "true or false"
    case is [String].Type: "an array of strings"
    default: "a \(type)"
    }
  }
}

extension RequestBody {
  /// The request as the idempotency cache compares it: route and fields, keys sorted.
  func fingerprint(_ route: String) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    return route + " " + String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
  }
}
