"""A thin layer over HiGHS (highspy): pass a column-wise model built from sparse arrays, solve
it deterministically within a time limit, and read back values and the proven bound."""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np
from scipy import sparse

INF = highspy.kHighsInf
SEED = 20260101


@dataclass
class MipOutcome:
    status: str  # "optimal", "time_limit", "infeasible" or another HiGHS model status
    values: np.ndarray | None
    objective: float
    bound: float

    @property
    def has_solution(self) -> bool:
        return self.values is not None


def new_highs(time_limit: float, mip_gap: float = 0.0) -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", bool(__import__("os").environ.get("SITING_HIGHS_LOG")))
    h.setOptionValue("threads", 1)  # same answer every run
    h.setOptionValue("random_seed", SEED)
    h.setOptionValue("time_limit", max(0.05, float(time_limit)))
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    h.setOptionValue("mip_abs_gap", 1e-9)
    return h


def pass_model(
    h: highspy.Highs,
    *,
    cost: np.ndarray,
    col_lower: np.ndarray,
    col_upper: np.ndarray,
    matrix: sparse.spmatrix,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    integer: np.ndarray,
    maximize: bool = False,
    offset: float = 0.0,
) -> None:
    csc = sparse.csc_matrix(matrix)
    csc.sort_indices()
    lp = highspy.HighsLp()
    lp.num_col_ = int(cost.size)
    lp.num_row_ = int(csc.shape[0])
    lp.col_cost_ = np.asarray(cost, dtype=np.float64)
    lp.col_lower_ = np.asarray(col_lower, dtype=np.float64)
    lp.col_upper_ = np.asarray(col_upper, dtype=np.float64)
    lp.row_lower_ = np.asarray(row_lower, dtype=np.float64)
    lp.row_upper_ = np.asarray(row_upper, dtype=np.float64)
    lp.offset_ = float(offset)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = csc.indptr.astype(np.int32)
    lp.a_matrix_.index_ = csc.indices.astype(np.int32)
    lp.a_matrix_.value_ = csc.data.astype(np.float64)
    lp.a_matrix_.num_col_ = lp.num_col_
    lp.a_matrix_.num_row_ = lp.num_row_
    if np.any(integer):
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
            for flag in integer
        ]
    lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
    h.passModel(lp)


def set_start(h: highspy.Highs, values: np.ndarray) -> None:
    index = np.arange(values.size, dtype=np.int32)
    h.setSolution(int(values.size), index, np.asarray(values, dtype=np.float64))


def run(h: highspy.Highs, *, is_mip: bool, deadline: float | None = None) -> MipOutcome:
    if deadline is not None:
        h.setOptionValue("time_limit", max(0.05, deadline - time.monotonic()))
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    names = {
        highspy.HighsModelStatus.kOptimal: "optimal",
        highspy.HighsModelStatus.kTimeLimit: "time_limit",
        highspy.HighsModelStatus.kInfeasible: "infeasible",
        highspy.HighsModelStatus.kInterrupt: "time_limit",
    }
    name = names.get(status, h.modelStatusToString(status))
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    values = np.array(h.getSolution().col_value) if has_solution else None
    objective = info.objective_function_value if has_solution else np.nan
    lp_bound = objective if name == "optimal" else np.nan
    bound = info.mip_dual_bound if is_mip else lp_bound
    return MipOutcome(name, values, float(objective), float(bound))


def run_lp_first(
    h: highspy.Highs, *, integer: np.ndarray, start: np.ndarray | None, deadline: float
) -> MipOutcome:
    """Solve the LP relaxation first: covering LPs are often integral, and then the LP optimum
    is a proven MIP optimum, found without branch and bound (or its costly presolve)."""
    h.setOptionValue("solve_relaxation", True)
    relaxed = run(h, is_mip=False, deadline=deadline)
    h.setOptionValue("solve_relaxation", False)
    if relaxed.status == "optimal" and relaxed.values is not None:
        part = relaxed.values[integer]
        if np.all(np.abs(part - np.round(part)) <= 1e-9):
            values = relaxed.values.copy()
            values[integer] = np.round(part)
            return MipOutcome("optimal", values, relaxed.objective, relaxed.objective)
    if relaxed.status == "infeasible":
        return MipOutcome("infeasible", None, np.nan, np.nan)
    if start is not None:
        set_start(h, start)
    return run(h, is_mip=True, deadline=deadline)
