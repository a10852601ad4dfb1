from aspirasi.models import Base
from puja_kit.migrations import run_env

run_env(Base.metadata)
