@testable import BallastDaemon
import Testing

@Suite("Allocator settings")
struct MallocTuningTests {
    /// On glibc every setting is taken. Until this test, the C file tested `__GLIBC__`
    /// before including any header that defines it, so the daemon ran on the
    /// allocator's defaults while its docs and benchmarks assumed these.
    @Test func glibcTakesAllThreeSettings() {
        #expect(MallocTuning.apply() == 0)
    }
}
