# -*- coding: utf-8 -*-
"""baseline_nft_accept: nftables accept rules from firewall rules of the tenant file.

A rule is {protocol: tcp|udp|icmp|gre|esp, port: "443" | "80-85" | "any", cidrs: [...]},
the shape lib/ansible-vars.ts gives (tenant_ingress). IPv4 and IPv6 sources
become one nftables line each:

    {protocol: tcp, port: "443", cidrs: [203.0.113.10/32, 2001:db8::/48]}
    -> ip saddr { 203.0.113.10/32 } tcp dport 443 accept
    -> ip6 saddr { 2001:db8::/48 } tcp dport 443 accept
"""
from __future__ import absolute_import, division, print_function

import re

from ansible.errors import AnsibleFilterError

__metaclass__ = type

_PORT = re.compile(r'^(any|\d{1,5}(-\d{1,5})?)$')
_CIDR = re.compile(r'^[0-9A-Fa-f:.]+/\d{1,3}$')


def _match(protocol, port, family):
    if protocol in ('tcp', 'udp'):
        if port in (None, '', 'any'):
            return 'meta l4proto %s' % protocol
        return '%s dport %s' % (protocol, port)
    if protocol == 'icmp':
        return 'meta l4proto %s' % ('icmp' if family == 'ip' else 'ipv6-icmp')
    if protocol in ('gre', 'esp'):
        return 'meta l4proto %s' % protocol
    raise AnsibleFilterError('baseline_nft_accept: protocol must be tcp, udp, icmp, gre or esp, got %r' % (protocol,))


def baseline_nft_accept(rules):
    """Accept lines for each rule, IPv4 sources first, in the order given."""
    if not isinstance(rules, list):
        raise AnsibleFilterError('baseline_nft_accept: expected a list of rules, got %r' % (type(rules).__name__,))
    lines = []
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict):
            raise AnsibleFilterError('baseline_nft_accept: rule %d is not a mapping' % i)
        protocol = rule.get('protocol')
        port = rule.get('port')
        if port is not None and not _PORT.match(str(port)):
            raise AnsibleFilterError('baseline_nft_accept: rule %d: port must be "443", "80-85" or "any", got %r' % (i, port))
        cidrs = rule.get('cidrs') or []
        bad = [c for c in cidrs if not _CIDR.match(str(c))]
        if bad:
            raise AnsibleFilterError('baseline_nft_accept: rule %d: not a CIDR: %s' % (i, ', '.join(map(str, bad))))
        for family in ('ip', 'ip6'):
            mine = [c for c in cidrs if (':' in c) == (family == 'ip6')]
            if mine:
                lines.append('%s saddr { %s } %s accept' % (family, ', '.join(mine), _match(protocol, port and str(port), family)))
    return lines


def baseline_by_family(cidrs):
    """{'ip': [IPv4 CIDRs], 'ip6': [IPv6 CIDRs]}, leaving out a family with none."""
    out = {}
    for c in cidrs or []:
        out.setdefault('ip6' if ':' in c else 'ip', []).append(c)
    return out


class FilterModule(object):
    def filters(self):
        return {'baseline_nft_accept': baseline_nft_accept, 'baseline_by_family': baseline_by_family}
