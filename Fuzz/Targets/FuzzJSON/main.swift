import FuzzSupport

fuzzMain { fuzzJSON($0, $1) }
