"""Attribution maps and whether they can be trusted (placeholder until the explain slice lands).

May import: ``interpret._tf``, ``interpret.core``, ``interpret.data``, ``interpret.gallery``.
"""
