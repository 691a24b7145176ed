import FuzzSupport

fuzzMain { fuzzConfig($0, $1) }
