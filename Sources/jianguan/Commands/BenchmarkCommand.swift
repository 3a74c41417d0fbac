import ArgumentParser
import Foundation
import JianguanCrypto
import JianguanLedger
import JianguanStore

/// Measurements that need to run inside the process, for Tools/bench.sh. Hidden from help.
struct BenchmarkCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "benchmark", abstract: "In-process measurements for Tools/bench.sh.", shouldDisplay: false,
    subcommands: [Proofs.self, Merkle.self])

  struct Proofs: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "proofs",
      abstract: "Time COUNT inclusion proofs over the whole log.")
    @OptionGroup var global: GlobalOptions
    @Option var count = 1000

    func run() throws {
      let database = try Environment.open(global)
      _ = try MerkleBenchmark.inclusionProofs(database, count: count)  // warm the page cache
      let (seconds, size) = try MerkleBenchmark.inclusionProofs(database, count: count)
      print(
        JSONValue.object([
          "count": .integer(Int64(count)), "size": .integer(size),
          "microseconds": .integer(Int64(seconds * 1e6)),
        ]).canonicalText)
    }
  }

  struct Merkle: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "merkle",
      abstract:
        "Build a synthetic stored tree of SIZE leaves in a scratch file; time its root and a consistency proof."
    )
    @Option var size: Int64
    @Option var scratch: String
    @Option var repeats = 100

    func run() throws {
      let result = try MerkleBenchmark.synthetic(path: scratch, size: size, repeats: repeats)
      try? FileManager.default.removeItem(atPath: scratch)
      print(
        JSONValue.object([
          "size": .integer(size), "buildMilliseconds": .integer(Int64(result.buildSeconds * 1000)),
          "rootMicroseconds": .integer(Int64(result.rootMicroseconds.rounded())),
          "consistencyMicroseconds": .integer(Int64(result.consistencyMicroseconds.rounded())),
          "root": .string(Hex.encode(result.root)),
        ]).canonicalText)
    }
  }
}
