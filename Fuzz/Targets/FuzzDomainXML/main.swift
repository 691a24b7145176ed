import FuzzSupport

fuzzMain { fuzzDomainXML($0, $1) }
