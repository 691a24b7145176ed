import BallastCore
import Testing
@testable import BallastLibvirt

/// Stats names are matched on the C bytes: exact names, `vcpu.N.delay` for any N,
/// and nothing for lookalikes, unknown names or values of the wrong type.
struct StatNameMatchingTests {
    static func match(_ name: String) -> DomainStatName? {
        var name = name
        return name.withUTF8 { DomainStatName.match($0) }
    }

    @Test func exactNamesAndDelays() {
        #expect(Self.match("cpu.time") == .cpuTime)
        #expect(Self.match("balloon.last-update") == .balloonLastUpdate)
        #expect(Self.match("vcpu.maximum") == .vcpuMaximum)
        #expect(Self.match("vcpu.0.delay") == .vcpuDelay)
        #expect(Self.match("vcpu.255.delay") == .vcpuDelay)
        // hasPrefix("vcpu.") && hasSuffix(".delay") held for this one too: kept as it was.
        #expect(Self.match("vcpu.delay") == .vcpuDelay)
    }

    @Test func lookalikesAndUnknownNamesAreIgnored() {
        for name in ["cpu.time2", "cpu.tim", "cpu.user", "balloon.current.x", "vcpu.0.time", "vcpu.0.delays",
                     "xvcpu.0.delay", "", "CPU.TIME"] {
            #expect(Self.match(name) == nil, "\(name)")
        }
    }

    @Test func delaysSumAndWrongTypesLeaveFieldsUnset() throws {
        let list = try TypedParameterList([
            ("vcpu.0.delay", .ullong(5)), ("vcpu.7.delay", .ullong(6)), ("vcpu.1.delay", .string("x")),
            ("cpu.time", .string("not a number")), ("balloon.rss", .ullong(2)), ("some.future.stat", .ullong(1)),
        ])
        var stats = DomainStats(uuid: "u", name: "vm", id: 1)
        DomainStatsParser.parse(list, into: &stats)
        #expect(stats.vcpuDelayNanos == 11)
        #expect(stats.cpuTimeNanos == nil)
        #expect(stats.rss == 2048)
    }
}
