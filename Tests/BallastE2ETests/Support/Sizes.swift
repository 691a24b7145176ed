/// One MiB in bytes, and in the KiB that virsh reports balloons in: every suite compares
/// sizes in one of the two, and the name says which.
let bytesPerMiB: UInt64 = 1 << 20
let kibPerMiB: UInt64 = 1024
