package emulator

import "slices"

// Remembered devices: ListDevices, GetDevice, ForgetDevice,
// UpdateDeviceStatus, and the IAM-signed AdminListDevices.

// maxDevicesPage is the range maximum of Limit.
const maxDevicesPage = 60

type deviceOut struct {
	DeviceKey                   string      `json:"DeviceKey"`
	DeviceAttributes            []attribute `json:"DeviceAttributes"`
	DeviceCreateDate            float64     `json:"DeviceCreateDate,omitempty"`
	DeviceLastModifiedDate      float64     `json:"DeviceLastModifiedDate,omitempty"`
	DeviceLastAuthenticatedDate float64     `json:"DeviceLastAuthenticatedDate,omitempty"`
}

func (d *device) out() deviceOut {
	return deviceOut{
		DeviceKey:                   d.key,
		DeviceAttributes:            attributeList(d.attributes),
		DeviceCreateDate:            d.created,
		DeviceLastModifiedDate:      d.modified,
		DeviceLastAuthenticatedDate: d.lastAuthenticated,
	}
}

type listDevicesOutput struct {
	// Not a required member: left out when the user has no devices.
	Devices         []deviceOut `json:"Devices,omitempty"`
	PaginationToken *string     `json:"PaginationToken,omitempty"`
}

// devicePage lists one page of u's devices. Call with e.st.mu held.
func (e *Emulator) devicePage(r *request, p *pool, u *user) (any, error) {
	page, next, err := paginate(e, u.devices, func(d *device) int64 { return d.seq },
		r.in.intp("Limit"), maxDevicesPage, r.in.strp("PaginationToken"),
		pageCursor{Op: r.op, Pool: p.id, Sub: u.sub})
	if err != nil {
		return nil, err
	}
	out := listDevicesOutput{PaginationToken: next}
	for _, d := range page {
		out.Devices = append(out.Devices, d.out())
	}
	return out, nil
}

func (e *Emulator) listDevices(r *request) (any, error) {
	e.st.mu.Lock()
	defer e.st.mu.Unlock()
	pr, err := e.signedIn(r)
	if err != nil {
		return nil, err
	}
	return e.devicePage(r, pr.pool, pr.user)
}

func (e *Emulator) adminListDevices(r *request) (any, error) {
	poolID, username := r.in.str("UserPoolId"), r.in.str("Username")
	e.st.mu.Lock()
	defer e.st.mu.Unlock()
	p := e.st.pools[poolID]
	if p == nil {
		return nil, NewError(ErrResourceNotFound, MsgPoolNotFound(poolID))
	}
	u := p.user(username)
	if u == nil {
		return nil, NewError(ErrUserNotFound, MsgUserNotFound)
	}
	return e.devicePage(r, p, u)
}

// userDevice finds the request's DeviceKey among the signed-in user's
// devices. Call with e.st.mu held.
func (e *Emulator) userDevice(r *request) (*user, int, error) {
	pr, err := e.signedIn(r)
	if err != nil {
		return nil, 0, err
	}
	i := pr.user.deviceIndex(r.in.str("DeviceKey"))
	if i < 0 {
		return nil, 0, NewError(ErrResourceNotFound, MsgDeviceNotFound)
	}
	return pr.user, i, nil
}

func (e *Emulator) getDevice(r *request) (any, error) {
	e.st.mu.Lock()
	defer e.st.mu.Unlock()
	u, i, err := e.userDevice(r)
	if err != nil {
		return nil, err
	}
	return struct {
		Device deviceOut `json:"Device"`
	}{u.devices[i].out()}, nil
}

func (e *Emulator) forgetDevice(r *request) (any, error) {
	e.st.mu.Lock()
	defer e.st.mu.Unlock()
	u, i, err := e.userDevice(r)
	if err != nil {
		return nil, err
	}
	u.devices = slices.Delete(u.devices, i, i+1)
	return nil, nil
}

func (e *Emulator) updateDeviceStatus(r *request) (any, error) {
	e.st.mu.Lock()
	defer e.st.mu.Unlock()
	u, i, err := e.userDevice(r)
	if err != nil {
		return nil, err
	}
	d := u.devices[i]
	if status := r.in.strp("DeviceRememberedStatus"); status != nil {
		if d.attributes == nil {
			d.attributes = map[string]string{}
		}
		d.attributes["dev:device_remembered_status"] = *status
	}
	d.modified = epoch(r.now)
	return nil, nil
}
