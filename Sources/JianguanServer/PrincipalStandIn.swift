// STAND-IN until the lead's "Credentials" commit lands on main: then this file is deleted and
// `Principal`, `CredentialRole` and `AppDatabase.principal(bearerToken:)` come from the store.
import Foundation
import JianguanStore

public enum CredentialRole: String, Sendable, CaseIterable, Codable {
  case regulator, institution, parent, bank, auditor
}

public struct Principal: Sendable, Equatable {
  public let credential: String
  public let role: CredentialRole
  public let institution: String?
  public let parent: String?
  public let bank: String?

  public init(credential: String, role: CredentialRole, institution: String?, parent: String?, bank: String?)
  {
    self.credential = credential
    self.role = role
    self.institution = institution
    self.parent = parent
    self.bank = bank
  }
}

/// Tokens the tests register per database path (the stand-in's token table).
public enum StandInCredentials {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var tokens: [String: [String: Principal]] = [:]

  public static func register(_ token: String, _ principal: Principal, database path: String) {
    lock.lock()
    tokens[path, default: [:]][token] = principal
    lock.unlock()
  }

  public static func revoke(_ token: String, database path: String) {
    lock.lock()
    tokens[path]?[token] = nil
    lock.unlock()
  }

  static func lookUp(_ token: String, database path: String) -> Principal? {
    lock.lock()
    defer { lock.unlock() }
    return tokens[path]?[token]
  }
}

extension AppDatabase {
  public func principal(bearerToken: String) throws -> Principal? {
    StandInCredentials.lookUp(bearerToken, database: path)
  }
}
