"""cortisone-kb's mkdocs-macros module. The KB core lives in `macros.kb` and never imports mkdocs."""


def define_env(env):
    """Entry point for mkdocs-macros; imported lazily so that `macros.kb` stays mkdocs-free."""
    from .main import define_env as _define_env

    _define_env(env)
