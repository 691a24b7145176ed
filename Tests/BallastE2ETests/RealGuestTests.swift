import Testing

/// The end-to-end suite: real libvirtd, real TCG guests, one at a time. Nested suites
/// (in the other files of this target) inherit the serialization and the environment.
@Suite("Real guests", .serialized, .realGuests)
struct RealGuestTests {}
