# ParameterDict and Parameter API: get, get_constant, update, setattr, keys, ...
import warnings
from mxnet import init, np, npx, gluon
from mxnet.gluon import nn
npx.set_np()


def show_error(fn, native=False):
    # native=True: a message built by MXNet's C++ core; only the type name is compared
    try:
        fn()
    except Exception as e:
        print('#<error native>' if native else '#<error>')
        print(type(e).__name__)
        print(str(e))
        print('#</error>')
    else:
        print('no error')


pd = gluon.ParameterDict(prefix='block_')
print(repr(pd))
w = pd.get('weight', shape=(2, 3))
print(w)
print(w.name, w.shape, w.dtype, w.grad_req, w.lr_mult, w.wd_mult)
print(pd.get('weight') is w)
b = pd.get('bias', shape=(2,), init='zeros', grad_req='add')
print(b, b.grad_req)
c = pd.get_constant('const', np.array([[1., 2.], [3., 4.]]))
print(c, c.grad_req)
print(pd)
print(list(pd.keys()))
print([p.name for p in pd.values()])
print([k for k, v in pd.items()])
print(pd['block_weight'] is w)
print('block_weight' in pd, 'weight' in pd)
print(pd.prefix)

print('--- get with matching / conflicting attributes')
show_error(lambda: pd.get('weight', shape=(2, 3)))
show_error(lambda: pd.get('weight', shape=(4, 4)))
show_error(lambda: pd.get('weight', dtype='float16'))
p = pd.get('deferred', shape=(5, 0), allow_deferred_init=True)
print(p)
p2 = pd.get('deferred', shape=(5, 7))
print(p2 is p, p)

print('--- update')
other = gluon.ParameterDict(prefix='other_')
other.get('x', shape=(1,))
pd.update(other)
print(pd)
pd.update(other)
print(len(list(pd.keys())))
clash = gluon.ParameterDict(prefix='block_')
clash.get('weight', shape=(2, 3))
show_error(lambda: pd.update(clash))

print('--- setattr')
pd.setattr('grad_req', 'null')
print([p.grad_req for p in pd.values()])
pd.setattr('lr_mult', 0.5)
print([p.lr_mult for p in pd.values()])

print('--- initialize')
pd2 = gluon.ParameterDict(prefix='q_')
a = pd2.get('a', shape=(2, 2), init=init.Constant(3))
z = pd2.get('z', shape=(3,))
k = pd2.get_constant('k', np.array([7., 8.]))
pd2.initialize(init.One())
print(repr(a.data()), repr(z.data()), repr(k.data()))
print(repr(a.grad()))
show_error(lambda: k.grad())
print(repr(a.list_data()[0]))
a.set_data(np.array([[1., 2.], [3., 4.]]))
print(repr(a.data()))
a.grad()[:] = 5
pd2.zero_grad()
print(repr(a.grad()))
# (Parameter.zero_grad() itself is broken in MXNet 1.9.1 np mode: TypeError; not probed)
print(a.data().dtype, a.grad().dtype)

print('--- Parameter constructed directly')
p = gluon.Parameter('free', shape=(2,), init=init.Constant(9))
print(p)
p.initialize()
print(repr(p.data()))
p.initialize(init=init.Zero(), force_reinit=True)
print(repr(p.data()))
print(gluon.Parameter('noshape'))
print(gluon.Parameter('half', shape=(0, 3)))
cst = gluon.Constant('cst', np.array([1., 2., 3.]))
print(cst, cst.grad_req)
cst.initialize()
print(repr(cst.data()))
p16 = gluon.Parameter('h', shape=(2,), dtype='float16')
print(p16)
p16.initialize(init.One())
print(repr(p16.data()))

print('--- grad_req changes')
net = nn.Dense(2, in_units=3)
net.initialize(init.One())
net.weight.grad_req = 'null'
show_error(lambda: net.weight.grad())
net.weight.grad_req = 'add'
print(repr(net.weight.grad()))
net.collect_params().setattr('grad_req', 'null')
print(net.weight.grad_req, net.bias.grad_req)
show_error(lambda: setattr(net.weight, 'grad_req', 'bogus'))
