import FuzzSupport

fuzzMain { fuzzTraces($0, $1) }
