#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import BallastLibvirt

/// libvirt keeps its last error per thread and its calls block: every job of a
/// connection must run on the connection's one thread, never on the caller's.
struct ConnectionThreadTests {
    static func currentThread() -> UInt {
        #if os(Linux)
        UInt(pthread_self())
        #else
        UInt(bitPattern: pthread_self())
        #endif
    }

    @Test func everyJobRunsOnTheConnectionsOneThread() async throws {
        let connection = LibvirtConnection(uri: "test:///default")
        let threads = try await withThrowingTaskGroup(of: UInt.self) { group in
            for _ in 0..<64 {
                group.addTask { try await connection.perform("thread") { _ in Self.currentThread() } }
            }
            return try await group.reduce(into: Set<UInt>()) { $0.insert($1) }
        }
        #expect(threads.count == 1)
        #expect(!threads.contains(Self.currentThread()))
    }

    @Test func aFailureThrownOnTheThreadReachesTheCallerTyped() async {
        let connection = LibvirtConnection(uri: "test:///default")
        let error = await #expect(throws: LibvirtError.self) {
            try await connection.perform("virConnectIsAlive") { state throws(LibvirtError) in
                _ = try state.require("virConnectIsAlive")
            }
        }
        #expect(error?.connectionLost == true)
        #expect(error?.operation == "virConnectIsAlive")
    }
}
