from puja_kit.migrations import run_env
from tenant_registry.models import Base

run_env(Base.metadata)
