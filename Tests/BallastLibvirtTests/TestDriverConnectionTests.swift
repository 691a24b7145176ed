import BallastCore
import Foundation
import Testing
@testable import BallastLibvirt

/// The Swift layer against libvirt's in-process test driver (`test:///default`,
/// no daemon): connect, list, bulk stats with fallback, XML, errors, setters.
/// Serialized: the test driver's default connection state is shared in-process.
/// Every suite that uses `test:///default` nests here: the driver's default state is
/// shared by all connections of the process, so they must not run side by side.
@Suite(.serialized)
enum TestDriverSuites {}

extension TestDriverSuites {
@Suite(.serialized)
struct TestDriverConnectionTests {
    static let uri = "test:///default"

    @Test func connectsAndListsTheDefaultDomain() async throws {
        let connection = LibvirtConnection(uri: Self.uri)
        try await connection.connect()
        #expect(await connection.isAlive())
        let domains = try await connection.listDomains()
        let test = try #require(domains.first { $0.name == "test" })
        #expect(test.state == .running)
        #expect(test.uuid == "6695eb01-f6a4-8304-79aa-97f2502e193f")
        #expect(test.id >= 1)
    }

    /// `shutdown()` returns once the connection's thread has ended: `ballast doctor` and
    /// the daemon call it before exiting (a thread still ending during `exit()` corrupted
    /// the heap); later calls fail as closed, and a second shutdown returns.
    @Test func shutdownEndsTheConnectionsThreadBeforeItReturns() async throws {
        let connection = LibvirtConnection(uri: Self.uri)
        try await connection.connect()
        let task = try await connection.threadTask()
        #expect(access(task, F_OK) == 0)
        await connection.shutdown()
        #expect(ThreadTask.ends(task), "\(task) still there 2 s after shutdown returned")
        let error = await #expect(throws: LibvirtError.self) { try await connection.listDomains() }
        #expect(error?.message == "the libvirt connection was closed")
        await connection.shutdown()
    }

    @Test func bulkStatsFallBackToPerDomainCalls() async throws {
        let connection = LibvirtConnection(uri: Self.uri)
        try await connection.connect()
        let stats = try await connection.allDomainStats()
        let test = try #require(stats.first { $0.name == "test" })
        #expect(test.state == .running)
        // The test driver's bulk stats hold only `state`: these come from the fallback.
        #expect(test.cpuTimeNanos != nil)
        #expect((test.balloonCurrent ?? 0) > 0)
        #expect((test.balloonMaximum ?? 0) >= (test.balloonCurrent ?? 0))
        #expect((test.vcpuCurrent ?? 0) >= 1)
        #expect((test.vcpuMaximum ?? 0) >= (test.vcpuCurrent ?? 0))
        #expect(test.balloon.available != nil)
    }

    @Test func readsAndParsesTheDomainXML() async throws {
        let connection = LibvirtConnection(uri: Self.uri)
        try await connection.connect()
        let xml = try await connection.domainXML(uuid: "6695eb01-f6a4-8304-79aa-97f2502e193f")
        let parsed = try DomainXMLParser.parse(xml, domainName: "test")
        #expect(parsed.definition.name == "test")
        #expect(parsed.definition.memory == UInt64(8_388_608) * 1024)
        #expect(parsed.definition.maxVCPUs == 2)
        #expect(parsed.warnings.isEmpty)
    }

    @Test func badURIGivesATypedConnectionError() async throws {
        let connection = LibvirtConnection(uri: "qemu+unix:///system?socket=/nonexistent/ballast.sock")
        let error = await #expect(throws: LibvirtError.self) { try await connection.connect() }
        #expect(error?.connectionLost == true)
        #expect(error?.message.contains("nonexistent") == true)
        #expect(error?.operation.contains("virConnectOpen") == true)
        #expect(error?.code != 0)
    }

    @Test func unknownDomainGivesNoDomainErrorFromTheSameCall() async throws {
        let connection = LibvirtConnection(uri: Self.uri)
        try await connection.connect()
        let error = await #expect(throws: LibvirtError.self) {
            try await connection.setBalloonTarget(uuid: "00000000-0000-0000-0000-000000000001", bytes: 1 << 30)
        }
        #expect(error?.isNoDomain == true)
        #expect(error?.connectionLost == false)
        #expect(error?.hint.contains("no longer exists") == true)
        // The connection is still usable after a failed call.
        #expect(try await connection.listDomains().isEmpty == false)
    }

    @Test func callsBeforeConnectFailWithNotConnected() async throws {
        let connection = LibvirtConnection(uri: Self.uri)
        let error = await #expect(throws: LibvirtError.self) { _ = try await connection.allDomainStats() }
        #expect(error?.connectionLost == true)
    }

    @Test func settersChangeTheTestDriversDomain() async throws {
        let connection = LibvirtConnection(uri: Self.uri)
        try await connection.connect()
        let uuid = "6695eb01-f6a4-8304-79aa-97f2502e193f"
        let before = try #require(try await connection.allDomainStats().first { $0.uuid == uuid })
        let target = (before.balloonMaximum ?? 0) / 2
        try await connection.setBalloonTarget(uuid: uuid, bytes: target)
        let after = try #require(try await connection.allDomainStats().first { $0.uuid == uuid })
        #expect(after.balloonCurrent == target)
        try await connection.setBalloonTarget(uuid: uuid, bytes: before.balloonCurrent ?? target)

        try await connection.setVCPUs(uuid: uuid, count: 1)
        let fewer = try #require(try await connection.allDomainStats().first { $0.uuid == uuid })
        #expect(fewer.vcpuCurrent == 1)
        try await connection.setVCPUs(uuid: uuid, count: before.vcpuCurrent ?? 2)
    }

    @Test func guestAgentCallsFailAtOnceWhenTheDomainHasNoAgent() async throws {
        // The test driver has no guest agent (nor the agent timeout call): both calls must
        // come back with libvirt's error, the connection and the domain's vCPUs untouched.
        let connection = LibvirtConnection(uri: Self.uri)
        try await connection.connect()
        let uuid = "6695eb01-f6a4-8304-79aa-97f2502e193f"
        let before = try #require(try await connection.allDomainStats().first { $0.uuid == uuid })
        let setError = await #expect(throws: LibvirtError.self) {
            try await connection.setGuestVCPUs(uuid: uuid, count: 1, agentTimeout: 3)
        }
        #expect(setError?.operation == "virDomainSetVcpusFlags(\(uuid), 1, guest)")
        #expect(setError?.message.isEmpty == false)
        #expect(setError?.connectionLost == false)
        let readError = await #expect(throws: LibvirtError.self) {
            _ = try await connection.guestVCPUCount(uuid: uuid, agentTimeout: 3)
        }
        #expect(readError?.operation == "virDomainGetVcpusFlags(\(uuid), guest)")
        let after = try #require(try await connection.allDomainStats().first { $0.uuid == uuid })
        #expect(after.vcpuCurrent == before.vcpuCurrent)
    }

    @Test func guestAgentCallsOnAnUnknownDomainSayTheDomainIsGone() async throws {
        let connection = LibvirtConnection(uri: Self.uri)
        try await connection.connect()
        let error = await #expect(throws: LibvirtError.self) {
            try await connection.setGuestVCPUs(uuid: "00000000-0000-0000-0000-000000000001", count: 1, agentTimeout: 3)
        }
        #expect(error?.isNoDomain == true)
    }

    @Test func schedulerSetterReportsTheDriversRefusal() async throws {
        // The test driver knows only `weight`, so cpu_shares is refused: the error must say so.
        let connection = LibvirtConnection(uri: Self.uri)
        try await connection.connect()
        let error = await #expect(throws: LibvirtError.self) {
            try await connection.setScheduler(uuid: "6695eb01-f6a4-8304-79aa-97f2502e193f",
                                              SchedulerParameters(cpuShares: 2048))
        }
        #expect(error?.operation.contains("virDomainSetSchedulerParametersFlags") == true)
        #expect(error?.message.isEmpty == false)
    }
}
}
