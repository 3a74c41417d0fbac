import ArgumentParser
import Foundation
import JianguanCore
import JianguanCrypto
import JianguanLedger
import JianguanStore

struct LedgerCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ledger", abstract: "Read the hash-chained log.",
    subcommands: [List.self, Export.self, Tile.self])

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List entries.")
    @OptionGroup var global: GlobalOptions
    @Option(help: "First seq.") var from: Int64 = 1
    @Option(help: "At most this many entries.") var limit: Int64 = 50

    func validate() throws {
      guard from >= 1 else { throw ValidationError("--from must be at least 1") }
      guard (1...1_000_000).contains(limit) else {
        throw ValidationError("--limit must be between 1 and 1000000")
      }
    }

    func run() throws {
      var lines: [LedgerLine] = []
      // One more than asked: it tells whether the list stopped at its limit.
      try Environment.open(global).entries(fromSeq: from, limit: limit + 1) { lines.append($0) }
      let more = Int64(lines.count) > limit
      if more { lines.removeLast() }
      var json: [String: JSONValue] = ["entries": .array(lines.map(LedgerCommand.json)), "more": .bool(more)]
      if more, let last = lines.last { json["next"] = .integer(last.seq + 1) }
      var text =
        lines.isEmpty
        ? "no entries from seq \(from)"
        : Output.table(
          ["SEQ", "KIND", "HASH", "PAYLOAD"],
          lines.map { line in
            let payload = line.entryJSON?["payload"]?.canonicalText ?? "(unreadable)"
            return [
              String(line.seq), line.kind, String(Hex.encode(line.hash).prefix(16)),
              String(payload.prefix(100)),
            ]
          })
      if more, let last = lines.last {
        text +=
          "\nstopped at the limit of \(limit) entries; more remain: run again with --from \(last.seq + 1)"
      }
      Output(global).emit(.object(json), text: text)
    }
  }

  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "export",
      abstract:
        "Every entry as JSON lines (whatever --format says): seq, kind, entryHex (the CBOR bytes), prevHash, hash, and entry (those bytes decoded, for people)."
    )
    @OptionGroup var global: GlobalOptions
    @OptionGroup var replica: ReplicaOptions

    func run() throws {
      try replica.check(global)
      var buffer = Data()
      let each = { (line: LedgerLine) throws in
        buffer.append(contentsOf: LedgerCommand.json(line).canonicalBytes)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count > 1 << 20 {
          try StandardOutput.write(buffer)
          buffer.removeAll(keepingCapacity: true)
        }
      }
      if global.namesPostgres {
        try PostgresCommands.entries(global, replica, each)
      } else {
        try Environment.open(global).entries(fromSeq: 1, limit: nil, each)
      }
      try StandardOutput.write(buffer)
    }
  }

  struct Tile: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "tile",
      abstract:
        "One Merkle tile as C2SP tlog-tiles serves it, binary on stdout: L/N (as the tree holds it now) or L/N.p/W."
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The tile: level/index, or level/index.p/width for the first width hashes.") var path:
      String

    func run() throws {
      try StandardOutput.write(Data(try Environment.open(global).merkleTile(path: path).hashes))
    }
  }

  static func json(_ line: LedgerLine) -> JSONValue { line.json }
}

struct AuditCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audit",
    abstract: "Recompute every hash and the Merkle root, replay every entry, compare with the tables.",
    discussion: "Exits 0 when everything holds, 3 when any fault is found (each named with its seq).")
  @OptionGroup var global: GlobalOptions
  @Option(help: "A signed checkpoint the auditor holds: the ledger must be consistent with it.")
  var checkpoint: String?
  @Option(help: "The log's public (verifier) key file, to check the checkpoint's signature.") var pub: String?

  func validate() throws {
    guard (checkpoint == nil) == (pub == nil) else {
      throw ValidationError("--checkpoint and --pub go together")
    }
  }

  func run() throws {
    var external: Checkpoint?
    if let checkpoint, let pub {
      let verifier = try TextFile.verifier(pub)
      external = try Checkpoint.open(
        TextFile.read(checkpoint, field: "checkpoint", maxBytes: Checkpoint.maxTextBytes),
        verifiers: [verifier]
      ).checkpoint
    }
    if global.namesPostgres { return try PostgresCommands.audit(self, against: external) }
    let database = try Environment.open(global)
    let terminal = isatty(STDERR_FILENO) == 1
    let report = try database.audit(
      against: external,
      progress: terminal
        ? { done, total in
          FileHandle.standardError.write(Data("\raudit: \(done)/\(total) entries".utf8))
        } : nil)
    if terminal && report.entries >= 10_000 { FileHandle.standardError.write(Data("\n".utf8)) }
    try Self.emit(global, report)
  }

  /// Prints an audit's outcome, of either store, and ends with status 3 when it found faults.
  static func emit(_ global: GlobalOptions, _ report: AuditReport) throws {
    let (entries, rootHash, faults) = (report.entries, report.rootHash, report.faults)
    let (enrollments, escrowFen) = (report.enrollments, report.escrowFen)
    let (checkpointsChecked, externalCheckpoint) = (report.checkpointsChecked, report.externalCheckpoint)
    let ok = faults.isEmpty
    let faultObjects = faults.map {
      JSONValue.object(["seq": .integer($0.seq), "message": .string($0.message)])
    }
    let verdict = ok ? "ok" : "\(faults.count) faults"
    Output(global).emit(
      .object([
        "ok": .bool(ok), "entries": .integer(entries),
        "rootHash": .string(Hex.encode(rootHash)),
        "enrollments": .integer(Int64(enrollments)), "escrowFen": .integer(escrowFen),
        "faults": .array(faultObjects), "checkpointsChecked": .integer(Int64(checkpointsChecked)),
        "externalCheckpoint": .string(externalCheckpoint ?? "none given"),
      ]),
      text: ([
        "audit \(verdict): \(entries) entries, Merkle root \(Hex.encode(rootHash))",
        "\(enrollments) enrollments hold \(Money.formatYuan(escrowFen)) yuan in escrow",
        "\(checkpointsChecked) stored checkpoints checked",
      ] + (externalCheckpoint.map { [$0] } ?? [])
        + faults.map { "FAULT \($0)" }).joined(separator: "\n"))
    if !ok { throw AuditFailed() }
  }
}
