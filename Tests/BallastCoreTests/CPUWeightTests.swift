import BallastCore
import Foundation
import Testing

/// `CPUWeight` holds only what libvirt's `cpu_shares` accepts, and the wire
/// formats carry it and every typed change as plain integers.
struct CPUWeightTests {
    @Test func onlyLibvirtsRangeIsAWeight() {
        #expect(CPUWeight(exactly: 1) == nil)
        #expect(CPUWeight(exactly: 262_145) == nil)
        #expect(CPUWeight(exactly: -5) == nil)
        #expect(CPUWeight(exactly: 2)?.value == 2)
        #expect(CPUWeight(exactly: 262_144)?.value == 262_144)
        #expect(CPUWeight(clamping: 0).value == 2)
        #expect(CPUWeight(clamping: Int64.max).value == 262_144)
        #expect(CPUWeight.standard.value == 1024)
    }

    @Test func decodingRefusesAWeightOutsideTheRange() throws {
        let decoder = JSONDecoder()
        #expect(try decoder.decode([CPUWeight].self, from: Data("[2, 4096]".utf8)).map(\.value) == [2, 4096])
        #expect(throws: DecodingError.self) { try decoder.decode([CPUWeight].self, from: Data("[1]".utf8)) }
    }

    /// Each knob's change round-trips through its wire integers; values out of the
    /// knob's range do not make an adjustment.
    @Test func adjustmentsRoundTripThroughTheirWireValues() {
        let adjustments: [Adjustment] = [
            .memory(from: 2 << 30, to: 1 << 30), .cpuQuota(from: 1500, to: 500), .vcpus(from: 4, to: 2),
            .cpuWeight(from: .standard, to: CPUWeight(clamping: 4096)),
        ]
        for adjustment in adjustments {
            let wire = adjustment.wireValues
            #expect(Adjustment(kind: adjustment.kind, from: wire.from, to: wire.to) == adjustment)
        }
        #expect(Adjustment(kind: .memory, from: -1, to: 5) == nil)
        #expect(Adjustment(kind: .cpuWeight, from: 1024, to: 1) == nil)
    }
}
