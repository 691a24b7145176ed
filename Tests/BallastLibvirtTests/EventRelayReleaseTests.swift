import Foundation
import Testing
@testable import BallastLibvirt

/// Closing a connection gives back every hold its subscriptions took on the event relay.
/// Found by LeakSanitizer (docs/sanitizers.md): the test driver, like every driver that
/// runs in the process, accepts a close callback, keeps nothing and never calls its free
/// callback, so the close callback's target and its hold on the relay leaked on every
/// connection opened with events.
extension TestDriverSuites {
@Suite(.serialized)
struct EventRelayReleaseTests {
    @Test func closingAConnectionReleasesTheRelayOnTheTestDriver() async throws {
        #expect(LibvirtEventLoop.shared.acquire() == nil)
        defer { LibvirtEventLoop.shared.release() }
        weak var released: LibvirtEventRelay?
        do {
            let relay = LibvirtEventRelay()
            released = relay
            let state = ConnectionState(uri: "test:///default", relay: relay)
            try state.open()
            #expect(state.subscriptions.closeTarget != nil, "\(state.subscriptions.notes)")
            state.close()
            #expect(state.subscriptions.closeTarget == nil)
        }
        // libvirt may run a domain event's free callback from its event loop a moment later.
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while released != nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(released == nil, "a subscription still holds the relay after the connection closed")
    }
}
}
