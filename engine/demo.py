"""``python -m engine.demo``: the chapter's MLP, its parameters and one forward pass."""

from __future__ import annotations


def main() -> None:
    from engine import init, np, npx
    from engine.gluon import nn

    npx.set_np()
    np.random.seed(0)
    net = nn.Sequential()
    net.add(nn.Dense(256, activation="relu"))
    net.add(nn.Dense(10))
    net.initialize(init.Uniform())
    x = np.random.uniform(size=(2, 20))
    print(net)
    print(net.collect_params())
    print("net(x) =")
    print(repr(net(x)))


if __name__ == "__main__":
    main()
