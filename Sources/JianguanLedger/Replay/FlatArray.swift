#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An array of plain values (no references) kept either in memory, like `Array`, or in a scratch
/// file mapped into memory, whose pages the replay hands back to the kernel whenever the process
/// grows past its budget (`ScratchSpace.trim`). The file is the replay's spill area: the kernel
/// keeps what it can of it in its page cache and writes the rest to disk, so the audit's resident
/// memory stays bounded however many enrollments the ledger holds.
///
/// It has value semantics: a copy shares the file until one of them is changed (copy on write).
public struct FlatArray<Element: BitwiseCopyable & Sendable>: RandomAccessCollection, MutableCollection,
  Sendable
{
  private var memory: [Element] = []
  private var file: ScratchBuffer?
  private var fileCount = 0

  /// An empty array in memory.
  public init() {}

  /// An empty array in a scratch file of `space`, or in memory when `space` is nil or cannot make
  /// one; `access` says how the replay reads it, which decides what a trim hands back first.
  public init(in space: ScratchSpace?, access: ScratchAccess = .mostlyAtTheEnd) {
    if let space, let buffer = space.makeBuffer(stride: MemoryLayout<Element>.stride, access: access) {
      file = buffer
    }
  }

  public var startIndex: Int { 0 }
  public var endIndex: Int { file == nil ? memory.count : fileCount }
  public func index(after index: Int) -> Int { index + 1 }
  public func index(before index: Int) -> Int { index - 1 }

  public subscript(index: Int) -> Element {
    get {
      guard let file else { return memory[index] }
      precondition(index >= 0 && index < fileCount, "FlatArray index out of range")
      return file.base.load(fromByteOffset: index * MemoryLayout<Element>.stride, as: Element.self)
    }
    set {
      guard file != nil else {
        memory[index] = newValue
        return
      }
      precondition(index >= 0 && index < fileCount, "FlatArray index out of range")
      makeUnique()
      file!.base.storeBytes(
        of: newValue, toByteOffset: index * MemoryLayout<Element>.stride, as: Element.self)
    }
  }

  public mutating func append(_ element: Element) {
    guard file != nil else {
      memory.append(element)
      return
    }
    makeUnique()
    file!.ensureCapacity(fileCount + 1)
    file!.base.storeBytes(
      of: element, toByteOffset: fileCount * MemoryLayout<Element>.stride, as: Element.self)
    fileCount += 1
  }

  /// Appends `count` copies of `element`.
  public mutating func append(repeating element: Element, count: Int) {
    guard file != nil else {
      memory.append(contentsOf: repeatElement(element, count: count))
      return
    }
    guard count > 0 else { return }
    makeUnique()
    file!.ensureCapacity(fileCount + count)
    // The file past `fileCount` has never been written (the array never shrinks) and reads as
    // zeros: zeros are appended without touching a page. A table of 16M empty buckets would
    // otherwise pass 128 MB through the process's memory between two trims.
    if withUnsafeBytes(of: element, { $0.allSatisfy { $0 == 0 } }) {
      fileCount += count
      return
    }
    for _ in 0..<count { append(element) }
  }

  public mutating func reserveCapacity(_ capacity: Int) {
    guard file != nil else {
      memory.reserveCapacity(capacity)
      return
    }
    makeUnique()
    file!.ensureCapacity(capacity)
  }

  /// How many bytes of a spilled array's file are mapped into the process now; nil for an array
  /// in memory.
  public var mappedBytes: Int? { file?.residentBytes() }

  private mutating func makeUnique() {
    if !isKnownUniquelyReferenced(&file!) { file = file!.copy(count: fileCount) }
  }
}

/// How the replay reads a spilled array, for `ScratchSpace.trim`.
public enum ScratchAccess: Sendable {
  /// Mostly near its end: an array that grows with every entry and is read where it was just
  /// written (the enrollments, their bank references). Its pages are handed back first: few of
  /// them come back.
  case mostlyAtTheEnd
  /// Anywhere, at every entry (per student and per parent): a page handed back is read back
  /// soon, so these are handed back only while the process is over twice its budget.
  case anywhere
}

/// Where a replay spills its per-enrollment arrays: scratch files in one directory (unlinked at
/// once, so nothing is left behind), and the budget of resident memory above which their pages
/// are handed back to the kernel.
public final class ScratchSpace: @unchecked Sendable {
  let directory: String
  /// The resident set size, in bytes, above which `trimIfOverBudget` drops the mapped pages.
  public let budget: Int
  private var buffers: [Weak] = []
  private var statm: Int32 = -1
  /// How many times the pages were handed back (for measurements and tests).
  public private(set) var trims = 0
  /// The resident memory the last trim left (0 before the first).
  private var floor = 0

  struct Weak {
    weak var buffer: ScratchBuffer?
  }

  /// Guards `buffers` and `trims`: buffers are made and trimmed on both audit threads.
  private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

  /// Whether only the pages of its own files count as resident, not the whole process's (a test's
  /// process holds whatever its other tests hold at the time).
  private let countsOnlyItsFiles: Bool

  /// Scratch files in `directory`; trims when the process's resident memory passes `budget` bytes
  /// (or its files' pages do, with `countsOnlyItsFiles`).
  public init(directory: String, budget: Int, countsOnlyItsFiles: Bool = false) {
    self.directory = directory
    self.budget = budget
    self.countsOnlyItsFiles = countsOnlyItsFiles
    statm = open("/proc/self/statm", O_RDONLY)
    pthread_mutex_init(lock, nil)
  }

  deinit {
    if statm >= 0 { close(statm) }
    pthread_mutex_destroy(lock)
    lock.deallocate()
  }

  private func locked<T>(_ body: () -> T) -> T {
    pthread_mutex_lock(lock)
    defer { pthread_mutex_unlock(lock) }
    return body()
  }

  func makeBuffer(stride: Int, access: ScratchAccess) -> ScratchBuffer? {
    guard let buffer = ScratchBuffer(directory: directory, stride: stride, access: access) else { return nil }
    locked {
      buffers.removeAll { $0.buffer == nil }
      buffers.append(Weak(buffer: buffer))
    }
    return buffer
  }

  /// The process's resident set size in bytes, or nil where /proc is not there.
  public var residentBytes: Int? {
    if countsOnlyItsFiles { return locked { filesResidentBytes() } }
    return processResidentBytes()
  }

  private func filesResidentBytes() -> Int {
    buffers.compactMap(\.buffer).reduce(0) { $0 + $1.residentBytes() }
  }

  private func processResidentBytes() -> Int? {
    guard statm >= 0 else { return nil }
    var text = [UInt8](repeating: 0, count: 128)
    let count = text.withUnsafeMutableBytes { pread(statm, $0.baseAddress, 127, 0) }
    guard count > 0 else { return nil }
    // "size resident shared text lib data dt", in pages.
    let fields = text[..<count].split(separator: UInt8(ascii: " "))
    guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
  }

  /// `trimIfOverBudget` at every 32nd step of a loop that reads scratch arrays at random. A read
  /// fault on a file mapping maps the page cache's whole folio around the page, not one page:
  /// 1,000 random reads of a 128 MB scratch file made 116 MB resident on this machine's Linux
  /// 6.18. Checking every 256 entries let the 10M audit reach 72 MB.
  @inline(__always)
  public func trimIfOverBudget(atStep step: some BinaryInteger) {
    if step % 32 == 0 { trimIfOverBudget() }
  }

  /// Hands the scratch files' pages back to the kernel when the process is over its budget, and has
  /// grown by an eighth of the budget since the last trim left it. Without that second condition,
  /// a process whose memory outside the scratch files (its heap, its code, the arrays read
  /// anywhere) is already near the budget trimmed at every check: the 10M audit spent a third of
  /// its time in `madvise`.
  public func trimIfOverBudget() {
    guard let resident = residentBytes, resident > budget, resident > floor + budget / 8 else { return }
    trim()
  }

  /// Hands the scratch files' mapped pages back to the kernel (their contents stay in the files and
  /// come back on the next access), the largest file first, until the process is a quarter under
  /// its budget: all the arrays read mostly at their end if need be, but those read anywhere only
  /// while the process is over twice its budget.
  ///
  /// Every payment reads the arrays kept per student and per parent at a random place: handed
  /// back, their pages come back within a few payments (each read maps 64 KB or more around its
  /// page), so handing them back gains nothing and costs a fault a read. At 10M payments (a
  /// million students and parents) they are 41 MB, which with the rest of the process (about
  /// 50 MB: its heap, its code, the table rebuild's page cache) is over the default budget: they
  /// stay, and the audit is over its budget by that much, rather than several times slower.
  /// Beyond twice the budget they are handed back too, and the audit slows down instead of
  /// growing. Call it from the thread that changes the arrays, or while none does: an array
  /// growing meanwhile maps its file again.
  public func trim() {
    locked {
      trims += 1
      if trims == 1 { Self.dropProgramText() }
      func resident() -> Int { (countsOnlyItsFiles ? filesResidentBytes() : processResidentBytes()) ?? 0 }
      let largestFirst = buffers.compactMap(\.buffer).sorted { $0.fileSize > $1.fileSize }
      var now = Int.max
      func dropPages(of access: ScratchAccess) {
        for buffer in largestFirst where buffer.access == access {
          buffer.dropPages()
          now = resident()
          if now <= budget / 4 * 3 { return }
        }
      }
      dropPages(of: .mostlyAtTheEnd)
      if now > 2 * budget { dropPages(of: .anywhere) }
      floor = now == Int.max ? resident() : now
    }
  }
}

extension ScratchSpace {
  /// Hands the resident pages of the program's own code back to the kernel, once, the first time
  /// the audit passes its budget. The release binary carries the Swift runtime and every package
  /// linked in, and starting it maps about 20 MB of its code that the audit never runs again; as
  /// resident memory they took most of the budget, and the replay's arrays were handed back and
  /// faulted in again every few entries. The code the audit does run comes back from the page
  /// cache at its next call. Only the executable's read-and-execute segment is dropped: it is
  /// never written (the binary has no text relocations), so the kernel maps the same bytes again.
  /// Its relocated data, read-only or not, is left alone.
  static func dropProgramText() {
    #if canImport(Glibc)
      var path = [CChar](repeating: 0, count: 4096)
      let length = readlink("/proc/self/exe", &path, path.count - 1)
      guard length > 0, let maps = fopen("/proc/self/maps", "r") else { return }
      defer { fclose(maps) }
      let program = String(decoding: path[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
      var line: UnsafeMutablePointer<CChar>?
      var capacity = 0
      defer { free(line) }
      while getline(&line, &capacity, maps) > 0, let line {
        // "start-end perms offset device inode path"
        let fields = String(cString: line).split(
          separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
        guard fields.count == 6, fields[1] == "r-xp",
          fields[5].drop(while: { $0 == " " }).prefix(while: { $0 != "\n" }) == program
        else { continue }
        let bounds = fields[0].split(separator: "-")
        guard bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16),
          end > start, let address = UnsafeMutableRawPointer(bitPattern: start)
        else { continue }
        _ = madvise(address, Int(end - start), MADV_DONTNEED)
      }
    #endif
  }
}

/// One scratch file mapped into memory, grown in steps.
final class ScratchBuffer: @unchecked Sendable {
  let directory: String
  let stride: Int
  let access: ScratchAccess
  private let descriptor: Int32
  private(set) var base: UnsafeMutableRawPointer
  private var mappedBytes: Int
  private var fileBytes = 0

  /// The file's length in bytes (what the array may have mapped).
  var fileSize: Int { fileBytes }

  static let step = 1 << 20

  init?(directory: String, stride: Int, access: ScratchAccess = .mostlyAtTheEnd) {
    var template = Array((directory + "/jianguan-audit-XXXXXX").utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard descriptor >= 0 else { return nil }
    // Unlinked at once: the file lives as long as it is open, and nothing is left behind.
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    let bytes = ScratchBuffer.step
    // Blocks are allocated now, not when a page is first written: a full disk is an error here
    // (the array then stays in memory), never a SIGBUS later.
    guard ScratchBuffer.allocate(descriptor, bytes),
      let pointer = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0), pointer != MAP_FAILED
    else {
      close(descriptor)
      return nil
    }
    ScratchBuffer.advise(pointer, bytes)
    self.directory = directory
    self.stride = stride
    self.access = access
    self.descriptor = descriptor
    self.base = pointer
    self.mappedBytes = bytes
    self.fileBytes = bytes
  }

  deinit {
    munmap(base, mappedBytes)
    close(descriptor)
  }

  /// Tells the kernel that the mapping is read at random, before its pages are first made: the
  /// page cache then makes them one page at a time, not in the large folios of a file read in
  /// sequence, of which a fault maps the whole. Measured on this machine's Linux 6.18 with a
  /// 64 MB file: after a trim, writing at the end of what was written mapped 256 KB and the next
  /// new page 1 MB (4 KB and 4 KB with the advice), so the audit's 80 scratch files came back
  /// 20–40 MB over the budget a few entries after each trim; 100 reads at random places made
  /// 35 MB resident (6 MB with the advice: a read still maps the 64 KB around its page).
  static func advise(_ pointer: UnsafeMutableRawPointer, _ bytes: Int) {
    #if canImport(Glibc)
      _ = madvise(pointer, bytes, MADV_RANDOM)
    #endif
  }

  /// Makes the file `bytes` long with its blocks allocated.
  static func allocate(_ descriptor: Int32, _ bytes: Int) -> Bool {
    #if canImport(Glibc)
      return posix_fallocate(descriptor, 0, off_t(bytes)) == 0
    #else
      return ftruncate(descriptor, off_t(bytes)) == 0
    #endif
  }

  /// Makes room for `count` elements: the file grows, and is mapped again when it outgrows the
  /// mapping (its contents are in the file, so nothing is copied).
  func ensureCapacity(_ count: Int) {
    let needed = count * stride
    guard needed > fileBytes else { return }
    let bytes = max(needed, fileBytes * 2).roundedUp(to: ScratchBuffer.step)
    guard ScratchBuffer.allocate(descriptor, bytes) else {
      ScratchBuffer.stop(
        "the audit's scratch file in \(directory) cannot grow to \(bytes) bytes: the disk is full")
    }
    munmap(base, mappedBytes)
    guard let pointer = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0),
      pointer != MAP_FAILED
    else { ScratchBuffer.stop("the audit's scratch file in \(directory) cannot be mapped into memory") }
    ScratchBuffer.advise(pointer, bytes)
    base = pointer
    mappedBytes = bytes
    fileBytes = bytes
  }

  /// A buffer of its own with the first `count` elements.
  func copy(count: Int) -> ScratchBuffer {
    guard let copy = ScratchBuffer(directory: directory, stride: stride, access: access) else {
      ScratchBuffer.stop("the audit's scratch file in \(directory) cannot be copied: the disk is full")
    }
    copy.ensureCapacity(count)
    copy.base.copyMemory(from: base, byteCount: count * stride)
    return copy
  }

  /// Ends the process as the tool ends on a database failure (status 2, one sentence): the audit
  /// cannot go on without room for its replay, and has written nothing.
  static func stop(_ message: String) -> Never {
    var line = Array("jianguan: \(message) (set TMPDIR to a folder with room); nothing was written\n".utf8)
    _ = write(2, &line, line.count)
    exit(2)
  }

  /// The bytes of the mapping that are mapped into the process now: its `Rss` in
  /// /proc/self/smaps (0 where there is none). `mincore` would not do: it tells whether a page
  /// is in the page cache, which a page handed back still is.
  func residentBytes() -> Int {
    guard let smaps = fopen("/proc/self/smaps", "r") else { return 0 }
    defer { fclose(smaps) }
    let start = String(UInt(bitPattern: base), radix: 16) + "-"
    var line: UnsafeMutablePointer<CChar>?
    var capacity = 0
    defer { free(line) }
    var inMapping = false
    while getline(&line, &capacity, smaps) > 0, let line {
      let text = String(cString: line)
      if text.first?.isHexDigit == true, text.contains("-") { inMapping = text.hasPrefix(start) }
      if inMapping, text.hasPrefix("Rss:") {
        let kilobytes = text.dropFirst(4).split(separator: " ").first.flatMap { Int($0) } ?? 0
        return kilobytes << 10
      }
    }
    return 0
  }

  /// Drops the mapping's pages from the process (MADV_DONTNEED); the file keeps their contents.
  func dropPages() {
    #if canImport(Glibc)
      _ = madvise(base, mappedBytes, MADV_DONTNEED)
    #else
      _ = msync(base, mappedBytes, MS_ASYNC)
      _ = madvise(base, mappedBytes, MADV_DONTNEED)
    #endif
  }
}

extension Int {
  fileprivate func roundedUp(to step: Int) -> Int { (self + step - 1) / step * step }
}
