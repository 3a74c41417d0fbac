import JianguanCore

/// A failure of the machine rather than of the request (a missing tool, an unwritable file):
/// one sentence, exit status 2, nothing written to the database.
struct EnvironmentFailure: Error, CustomStringConvertible {
  let code: String
  let message: String
  init(_ code: String, _ message: String) {
    self.code = code
    self.message = message
  }
  var description: String { message }
}
