import COpenSSL

/// Owns an OpenSSL `EVP_PKEY` and frees it with the last reference. OpenSSL 3 allows one key to
/// be used by several threads at once as long as each uses its own `EVP_MD_CTX`, as we do.
final class EVPKey: @unchecked Sendable {
  let pointer: OpaquePointer

  init(_ pointer: OpaquePointer) { self.pointer = pointer }

  deinit { EVP_PKEY_free(pointer) }
}

/// Owns an `EVP_MD_CTX` for the length of one operation.
struct DigestContext: ~Copyable {
  let pointer: OpaquePointer

  init() {
    guard let pointer = EVP_MD_CTX_new() else {
      fatalError("OpenSSL could not allocate a digest context")
    }
    self.pointer = pointer
  }

  deinit { EVP_MD_CTX_free(pointer) }
}
