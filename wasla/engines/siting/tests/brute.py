"""Independent reference answers: haversine distances and every combination of candidates."""

from itertools import combinations

import numpy as np

R = 6371.0088


def haversine_km(lat1, lon1, lat2, lon2, detour=1.3):
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * R * np.arcsin(np.sqrt(a)) * detour


def matrix(demand, sites, detour=1.3):
    return haversine_km(
        demand.lat[:, None], demand.lon[:, None], sites.lat[None, :], sites.lon[None, :], detour
    )


def best(model, d_cand, d_exist, w, p=None, radius=None):
    """Optimal objective by enumeration; d_cand: demand x candidates, d_exist: demand x existing."""
    n, m = d_cand.shape
    base = d_exist.min(axis=1) if d_exist.shape[1] else np.full(n, np.inf)
    counted = w > 0

    def served(combo):
        if not combo:
            return base
        return np.minimum(base, d_cand[:, list(combo)].min(axis=1))

    if model == "lscp":
        for k in range(m + 1):
            for combo in combinations(range(m), k):
                if np.all(served(combo)[counted] <= radius):
                    return float(k)
        return None
    values = []
    for combo in combinations(range(m), p):
        d = served(combo)
        if model == "mclp":
            values.append(float(w[d <= radius].sum()))
        elif model == "pmedian":
            values.append(float(w @ d))
        else:
            values.append(float(d[counted].max()))
    return max(values) if model == "mclp" else min(values)
