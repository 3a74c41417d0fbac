import ArgumentParser
import Foundation
import JianguanCore
import JianguanCrypto
import JianguanLedger
import JianguanStore

/// Reads a small text file a user named, with a clear refusal when it cannot be used.
enum TextFile {
  static func read(_ path: String, field: String, maxBytes: Int = 1 << 20) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw Rejection(
        "\(field)_unreadable", "\(field) \(Rejection.quote(path)) cannot be read (missing or not permitted)")
    }
    guard data.count <= maxBytes else {
      throw Rejection(
        "\(field)_too_large",
        "\(field) \(Rejection.quote(path)) is \(data.count) bytes; the limit is \(maxBytes)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw Rejection("\(field)_not_utf8", "\(field) \(Rejection.quote(path)) is not UTF-8 text")
    }
    return text
  }

  /// A key file holds one line; a trailing newline is allowed.
  static func readKeyLine(_ path: String, field: String) throws -> String {
    var text = try read(path, field: field, maxBytes: 4096)
    if text.hasSuffix("\n") { text.removeLast() }
    return text
  }

  static func signer(_ path: String) throws -> NoteSigner {
    let text = try readKeyLine(path, field: "key")
    guard text.hasPrefix(privateKeyPrefix) else {
      throw Rejection(
        "key_not_private",
        "key \(Rejection.quote(path)) is not a private key (it does not start with \(privateKeyPrefix)); give the file `key generate --out` wrote, not its .pub"
      )
    }
    return try NoteSigner(privateKeyText: text)
  }
  static func verifier(_ path: String) throws -> NoteVerifier {
    let text = try readKeyLine(path, field: "pub")
    guard !text.hasPrefix(privateKeyPrefix) else {
      throw Rejection(
        "pub_is_private_key",
        "pub \(Rejection.quote(path)) is a private key; give the public key file `key generate` wrote beside it (.pub)"
      )
    }
    return try NoteVerifier(verifierKeyText: text)
  }
  private static let privateKeyPrefix = "PRIVATE+KEY+"
}

struct KeyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "key", abstract: "Ed25519 signing keys for checkpoints.", subcommands: [Generate.self])

  struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "generate",
      abstract: "Write a private key (mode 0600) to FILE and its C2SP verifier key to FILE.pub.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "The key name, usually the log's origin (e.g. jianguan.340100.example/ledger).") var name:
      String
    @Option(help: "The private key file to create; the public key goes to FILE.pub.") var out: String

    func run() throws {
      let publicPath = out + ".pub"
      for path in [out, publicPath] where FileManager.default.fileExists(atPath: path) {
        throw Rejection(
          "key_file_exists", "out \(Rejection.quote(path)) already exists; a key is never overwritten")
      }
      let signer = try NoteSigner.generate(name: name)
      guard
        FileManager.default.createFile(
          atPath: out, contents: Data((signer.privateKeyText + "\n").utf8),
          attributes: [.posixPermissions: 0o600])
      else {
        throw EnvironmentFailure("key_file_unwritable", "out \(Rejection.quote(out)) cannot be written")
      }
      guard
        FileManager.default.createFile(
          atPath: publicPath, contents: Data((signer.verifier.verifierKeyText + "\n").utf8),
          attributes: [.posixPermissions: 0o644])
      else {
        throw EnvironmentFailure("key_file_unwritable", "\(Rejection.quote(publicPath)) cannot be written")
      }
      Output(global).emit(
        .object([
          "privateKeyFile": .string(out), "publicKeyFile": .string(publicPath),
          "verifierKey": .string(signer.verifier.verifierKeyText),
        ]),
        text:
          "private key: \(out) (mode 0600)\npublic key:  \(publicPath)\n\(signer.verifier.verifierKeyText)")
    }
  }
}

struct CheckpointCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "checkpoint", abstract: "Signed checkpoints (C2SP tlog-checkpoint) of the ledger.",
    subcommands: [Sign.self, List.self])

  struct Sign: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "sign", abstract: "Sign, store and print the current checkpoint.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "The private key file.") var key: String
    @Flag(help: "Record this key in the log as the bureau's new checkpoint key (a rotation).") var newKey =
      false

    func run() throws {
      let signer = try TextFile.signer(key)
      let stored =
        global.namesPostgres
        ? try PostgresCommands.signCheckpoint(signer: signer, newKey: newKey, global)
        : try Environment.open(global).signCheckpoint(
          signer: signer, signedAt: Environment.now().description, newKey: newKey)
      switch global.format {
      case .table: try StandardOutput.write(Data(stored.note.utf8))
      case .json:
        print(
          JSONValue.object([
            "id": .integer(stored.id), "size": .integer(stored.size),
            "rootHash": .string(Hex.encode(stored.rootHash)),
            "note": .string(stored.note),
          ]).canonicalText)
      }
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List the checkpoints stored beside the log.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var replica: ReplicaOptions

    func run() throws {
      try replica.check(global)
      let stored =
        global.namesPostgres
        ? try PostgresCommands.checkpoints(global, replica) : try Environment.open(global).checkpoints()
      Output(global).emit(
        .object([
          "checkpoints": .array(
            stored.map {
              .object([
                "id": .integer($0.id), "size": .integer($0.size),
                "rootHash": .string(Hex.encode($0.rootHash)),
                "signedAt": .string($0.signedAt), "verifierKey": .string($0.verifierKey),
                "note": .string($0.note),
              ])
            })
        ]),
        text: stored.isEmpty
          ? "no checkpoints yet; sign one with `jianguan checkpoint sign --key FILE`"
          : Output.table(
            ["ID", "SIZE", "ROOT", "SIGNED AT", "KEY"],
            stored.map {
              [
                String($0.id), String($0.size), Hex.encode($0.rootHash), $0.signedAt,
                String($0.verifierKey.prefix(40)),
              ]
            }))
    }
  }
}

struct ProofCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "proof", abstract: "RFC 9162 inclusion and consistency proofs (JSON, hashes in hex).",
    subcommands: [Inclusion.self, Consistency.self])

  struct Inclusion: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "inclusion",
      abstract: "Prove that entry SEQ is in the tree of SIZE entries.")
    @OptionGroup var global: GlobalOptions
    @Argument(parsing: .allUnrecognized, help: "The entry's seq.") var seq: [String] = []
    @Option(parsing: .unconditional, help: "The tree size (default: the whole log).") var size: String?
    @OptionGroup var replica: ReplicaOptions

    func run() throws {
      try replica.check(global)
      let seqNumber = try AppDatabase.parsePosition(ProofCommand.single(seq, field: "seq"), field: "seq")
      let sizeNumber = try size.map { try AppDatabase.parsePosition($0, field: "size") }
      let proof =
        global.namesPostgres
        ? try PostgresCommands.inclusionProof(global, replica, seq: seqNumber, size: sizeNumber)
        : try Environment.open(global).inclusionProof(seq: seqNumber, size: sizeNumber)
      print(proof.jsonText())
    }
  }

  struct Consistency: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "consistency",
      abstract: "Prove that the tree of OLD entries is a prefix of the tree of NEW.")
    @OptionGroup var global: GlobalOptions
    @Argument(parsing: .allUnrecognized, help: "OLD NEW: two tree sizes.") var sizes: [String] = []
    @OptionGroup var replica: ReplicaOptions

    func run() throws {
      try replica.check(global)
      guard sizes.count == 2 else {
        throw Rejection(
          "consistency_needs_two_sizes", "proof consistency takes two sizes, OLD and NEW, not \(sizes.count)")
      }
      let old = try AppDatabase.parsePosition(sizes[0], field: "old")
      let new = try AppDatabase.parsePosition(sizes[1], field: "new")
      let proof =
        global.namesPostgres
        ? try PostgresCommands.withLog(global, readDB: replica.readDB) {
          try $0.consistencyProof(oldSize: old, newSize: new)
        }
        : try Environment.open(global).consistencyProof(oldSize: old, newSize: new)
      print(proof.jsonText())
    }
  }

  static func single(_ values: [String], field: String) throws -> String {
    guard values.count == 1 else {
      throw Rejection("\(field)_missing", "give exactly one \(field), not \(values.count)")
    }
    return values[0]
  }
}

struct ReceiptCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "receipt", abstract: "A parent's offline-verifiable receipt for one entry.",
    subcommands: [Export.self, Verify.self])

  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "export",
      abstract: "Print the entry, its inclusion proof and a newly signed checkpoint as one JSON file.",
      discussion: """
        Name the entry by its seq, or by what it recorded: --enrollment E1 (the payment), \
        --lesson L3 (the lesson recorded) or --refund R2.
        """)
    @OptionGroup var global: GlobalOptions
    @Argument(parsing: .allUnrecognized) var seq: [String] = []
    @Option(help: "The private key file that signs the checkpoint.") var key: String
    @Option(help: "The payment that created this enrollment (E1).") var enrollment: String?
    @Option(help: "The entry that recorded this lesson (L3).") var lesson: String?
    @Option(help: "The entry of this refund (R2).") var refund: String?

    func validate() throws {
      let named = [enrollment, lesson, refund].compactMap { $0 }.count + (seq.isEmpty ? 0 : 1)
      guard named == 1 else {
        throw ValidationError("name exactly one entry: a seq, --enrollment, --lesson or --refund")
      }
    }

    func run() throws {
      let signer = try TextFile.signer(key)
      // On a URL, an entry named by its seq is read from the log; one named by its record, through
      // the bureau's cache, whose tables name it.
      if global.namesPostgres, seq.count == 1 {
        let seqNumber = try AppDatabase.parsePosition(seq[0], field: "seq")
        return print(try PostgresCommands.receipt(seq: seqNumber, signer: signer, global).jsonText())
      }
      let database = try Environment.open(global)
      let seqNumber: Int64
      if let enrollment {
        seqNumber = try database.seq(of: .enrollments, enrollment)
      } else if let lesson {
        seqNumber = try database.seq(of: .lessons, lesson)
      } else if let refund {
        seqNumber = try database.seq(of: .refunds, refund)
      } else {
        seqNumber = try AppDatabase.parsePosition(ProofCommand.single(seq, field: "seq"), field: "seq")
      }
      print(
        try database.receipt(seq: seqNumber, signer: signer, signedAt: Environment.now().description)
          .jsonText())
    }
  }

  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "verify",
      abstract: "Check a receipt offline: nothing but the file and the log's public key.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The receipt file.") var file: String
    @Option(help: "The log's public (verifier) key file.") var pub: String

    func run() throws {
      let verifier = try TextFile.verifier(pub)
      let receipt = try Receipt.parse(
        json: Array(TextFile.read(file, field: "receipt", maxBytes: Receipt.maxBytes).utf8))
      let verified = try receipt.verify(verifier: verifier)
      let entry = verified.entry
      Output(global).emit(
        .object([
          "ok": .bool(true), "seq": .integer(entry.seq), "kind": .string(entry.kind),
          "time": .string(entry.time),
          "payload": entry.payload, "treeSize": .integer(verified.checkpoint.size),
          "rootHash": .string(Hex.encode(verified.checkpoint.rootHash)),
          "signedBy": .array(verified.signedBy.map { .string($0) }),
        ]),
        text: """
          receipt ok: entry \(entry.seq) (\(entry.kind), \(entry.time)) is in the ledger of \(verified.checkpoint.origin)
          at tree size \(verified.checkpoint.size), root \(Hex.encode(verified.checkpoint.rootHash)), signed by \(verified.signedBy.joined(separator: ", "))
          \(Output.safe(entry.payload.canonicalText))
          """)
    }
  }
}
