import Testing
@testable import BallastLibvirt

/// The effective vCPU count and when its agent bookkeeping is kept, re-read or dropped.
struct DomainVCPUsTests {
    @Test func effectiveIsTheGuestCountOnlyWhileBallastLoweredIt() {
        var vcpus = DomainVCPUs(plugged: 2)
        #expect(vcpus.effective == 2)
        vcpus.guestOnline(1, at: 10)
        #expect(vcpus.effective == 1)
        vcpus.guestOnline(2, at: 20)
        #expect(vcpus.guest == nil)
        #expect(vcpus.effective == 2)
    }

    @Test func aHypervisorCountChangeForgetsTheGuestCount() {
        var vcpus = DomainVCPUs(plugged: 2, guest: GuestVCPUs(online: 1, checkedAt: 0))
        vcpus.observe(plugged: 2)
        #expect(vcpus.effective == 1, "same hypervisor count: the guest count stands")
        vcpus.observe(plugged: 3)
        #expect(vcpus.guest == nil)
        #expect(vcpus.effective == 3)
    }

    @Test func theGuestCountIsReReadOnlyForLoweredDomainsAndOnlyWhenDue() {
        #expect(!DomainVCPUs(plugged: 2).recheckDue(at: 1_000, interval: 30))
        let lowered = DomainVCPUs(plugged: 2, guest: GuestVCPUs(online: 1, checkedAt: 100))
        #expect(!lowered.recheckDue(at: 129, interval: 30))
        #expect(lowered.recheckDue(at: 130, interval: 30))
        #expect(lowered.recheckDue(at: 50, interval: 30), "a clock that went back does not postpone it forever")
    }

    @Test func aNewRunOfTheDomainStartsAfresh() {
        let lowered = DomainVCPUs(plugged: 2, guest: GuestVCPUs(online: 1, checkedAt: 0), unplugFailure: "timed out")
        #expect(DomainVCPUs.forRun(id: 7, plugged: 2, known: (id: 7, vcpus: lowered)) == lowered)
        #expect(DomainVCPUs.forRun(id: 8, plugged: 2, known: (id: 7, vcpus: lowered)) == DomainVCPUs(plugged: 2))
        #expect(DomainVCPUs.forRun(id: 8, plugged: 1, known: nil) == DomainVCPUs(plugged: 1))
    }
}
