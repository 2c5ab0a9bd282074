"""`/healthz`: liveness, the number of sites served, of problems in content/ and of narrations to make."""

from fastapi import APIRouter

from api.deps import RegistryDep
from api.state import StateDep
from api.views.schemas import HealthOut

router = APIRouter()


@router.get("/healthz", response_model=HealthOut, response_model_exclude_none=True, tags=["health"])
async def health(state: StateDep, registry: RegistryDep) -> HealthOut:
    """Liveness, with the number of sites served, of problems found in content/ and of narrations still to be
    made; `degraded`, with the reason, while pages are served but visits cannot be counted (a damaged visit
    store)."""
    problem = state.visits.problem
    return HealthOut(status="degraded" if problem else "ok", reason=problem, sites=registry.published_count(),
                     content_errors=len(state.catalog.errors), narrations_pending=state.narrations.pending())
