from puja_kit.migrations import run_env
from trantibumlinmas.models import Base

run_env(Base.metadata)
