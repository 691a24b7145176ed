import Testing
@testable import BallastCgroups

/// The mount table tells a kernel pressure file from a copy that would take any write.
@Suite("Mount table")
struct MountTableTests {
    static let mountInfo = """
        22 27 0:21 / /proc rw,relatime - proc proc rw
        27 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw
        31 23 0:28 / /sys/fs/cgroup rw,relatime shared:9 - cgroup2 cgroup2 rw
        40 27 0:35 / /tmp/with\\040space rw - tmpfs tmpfs rw
        """

    @Test func theLongestMountPointThatHoldsThePathNamesItsType() {
        #expect(MountTable.fileSystemType(of: "/proc/pressure/memory", mountInfo: Self.mountInfo) == "proc")
        #expect(MountTable.fileSystemType(of: "/sys/fs/cgroup/machine.slice/memory.pressure",
                                          mountInfo: Self.mountInfo) == "cgroup2")
        #expect(MountTable.fileSystemType(of: "/tmp/with space/proc/pressure/memory", mountInfo: Self.mountInfo) == "tmpfs")
        #expect(MountTable.fileSystemType(of: "/procfs-copy/pressure", mountInfo: Self.mountInfo) == "ext4")
    }

    @Test func unreadableLinesAreSkipped() {
        #expect(MountTable.fileSystemType(of: "/proc/x", mountInfo: "garbage\n\n1 2 3\n") == nil)
    }
}
