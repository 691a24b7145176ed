#if os(Linux)
@testable import BallastDaemon
import Glibc
import Testing

/// A function compiled into this test executable, whose address must fall in one of
/// the executable's own mappings.
private let codeInThisExecutable: @convention(c) () -> Void = {}

/// True in a ThreadSanitizer or AddressSanitizer build: its runtime's entry point is linked in.
private let sanitizerRuntimeIsLinked = dlsym(nil, "__tsan_init") != nil || dlsym(nil, "__asan_init") != nil

@Suite("Executable mappings")
struct ExecutableMappingTests {
    @Test func onlyTheExecutablesLinesAreTaken() {
        let maps = """
            55d0a1a00000-55d0a1a0c000 r--p 00000000 fe:01 131 /opt/ballast/bin/ballast
            55d0a1a0c000-55d0a2759000 r-xp 0000c000 fe:01 131 /opt/ballast/bin/ballast
            55d0a2d00000-55d0a2d01000 rw-p 00000000 00:00 0 \("")
            7f2c4a000000-7f2c4a200000 r-xp 00028000 fe:01 77 /usr/lib/x86_64-linux-gnu/libc.so.6
            7f2c4b000000-7f2c4b001000 r--p 00000000 fe:01 99 /opt/ballast/bin/ballast backup
            not a maps line
            """
        #expect(ExecutableMapping.parse(maps: maps, executable: "/opt/ballast/bin/ballast") == [
            ExecutableMapping(start: 0x55d0_a1a0_0000, length: 0xc000),
            ExecutableMapping(start: 0x55d0_a1a0_c000, length: 0xd4d000),
        ])
        #expect(ExecutableMapping.parse(maps: maps, executable: "/opt/ballast/bin/ballast backup").count == 1)
    }

    @Test func theExecutablesMappingsHoldItsOwnCode() {
        let code = UInt(bitPattern: unsafeBitCast(codeInThisExecutable, to: Int.self))
        let mappings = ExecutableMapping.current()
        #expect(mappings.allSatisfy { $0.length > 0 && $0.length % 4096 == 0 })
        #expect(mappings.contains { ($0.start..<$0.start + UInt($0.length)).contains(code) })
    }

    /// Under a sanitizer (scripts/sanitize.sh) malloc is the sanitizer runtime's
    /// interceptor, linked into the executable itself, so the probe means nothing there.
    @Test(.disabled(if: sanitizerRuntimeIsLinked, "malloc is the sanitizer's, inside the executable"))
    func noLibraryIsTakenForTheExecutable() throws {
        let malloc = UInt(bitPattern: try #require(dlsym(nil, "malloc")))
        #expect(!ExecutableMapping.current().contains { ($0.start..<$0.start + UInt($0.length)).contains(malloc) })
    }
}
#endif
