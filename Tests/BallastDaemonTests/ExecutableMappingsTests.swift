#if os(Linux)
@testable import BallastDaemon
import Glibc
import Testing

/// A function compiled into this test executable, whose address must fall in one of
/// the executable's own mappings.
private let codeInThisExecutable: @convention(c) () -> Void = {}

@Suite("Executable mappings")
struct ExecutableMappingsTests {
    @Test func theExecutablesMappingsHoldItsOwnCode() {
        let code = UInt(bitPattern: unsafeBitCast(codeInThisExecutable, to: Int.self))
        let mappings = ExecutableMappings.read()
        #expect(mappings.allSatisfy { $0.length > 0 && $0.length % 4096 == 0 })
        #expect(mappings.contains { mapping in
            let start = UInt(bitPattern: mapping.start)
            return (start..<start + UInt(mapping.length)).contains(code)
        })
    }

    @Test func noLibraryIsTakenForTheExecutable() {
        let malloc = UInt(bitPattern: unsafeBitCast(Glibc.malloc as @convention(c) (Int) -> UnsafeMutableRawPointer?, to: Int.self))
        #expect(!ExecutableMappings.read().contains { mapping in
            let start = UInt(bitPattern: mapping.start)
            return (start..<start + UInt(mapping.length)).contains(malloc)
        })
    }
}
#endif
