"""Records PyTorch's optimizer and scheduler trajectories for OptimTest.

Run with Debian's python3 (PyTorch 1.13): python3 src/test/python/optim_expectations.py
Writes src/test/resources/optim/expected.json.
"""
import json, os, torch

torch.set_default_dtype(torch.float64)
p0 = [0.5, -1.25, 2.0, 0.1, -0.3, 1.7]
grads = [[0.1, -0.2, 0.3, -0.4, 0.5, 0.05], [-0.3, 0.1, 0.2, 0.6, -0.1, 0.2], [0.25, 0.25, -0.5, 0.1, 0.3, -0.2]]
configs = {
    "sgd_plain": lambda p: torch.optim.SGD([p], lr=0.1),
    "sgd_momentum": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9),
    "sgd_dampening_wd": lambda p: torch.optim.SGD([p], lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01),
    "sgd_nesterov": lambda p: torch.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1),
    "adam": lambda p: torch.optim.Adam([p], lr=0.01),
    "adam_wd_amsgrad": lambda p: torch.optim.Adam([p], lr=0.02, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.05, amsgrad=True),
    "adamw": lambda p: torch.optim.AdamW([p], lr=0.01, weight_decay=0.1),
}
out = {"p0": p0, "grads": grads, "trajectories": {}}
for name, make in configs.items():
    p = torch.tensor(p0, requires_grad=True)
    opt = make(p)
    traj = []
    for g in grads:
        p.grad = torch.tensor(g)
        opt.step()
        traj.append(p.detach().tolist())
    out["trajectories"][name] = traj
sched = {}
for name, make in {"step": lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5),
                   "cosine": lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.01)}.items():
    o = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.2)
    s = make(o)
    lrs = []
    for _ in range(12):
        o.step(); s.step(); lrs.append(o.param_groups[0]["lr"])
    sched[name] = lrs
out["schedulers"] = sched
p = torch.tensor([3.0, 4.0], requires_grad=True); q = torch.tensor([12.0], requires_grad=True)
p.grad = torch.tensor([3.0, 4.0]); q.grad = torch.tensor([12.0])
n = torch.nn.utils.clip_grad_norm_([p, q], 6.5)
out["clip"] = {"norm": n.item(), "p": p.grad.tolist(), "q": q.grad.tolist()}
path = os.path.join(os.path.dirname(__file__), "..", "resources", "optim", "expected.json")
os.makedirs(os.path.dirname(path), exist_ok=True)
json.dump(out, open(path, "w"), indent=1)
print("wrote", path)
