import FuzzSupport

fuzzMain { fuzzCgroups($0, $1) }
