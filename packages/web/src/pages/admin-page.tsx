import { useState } from 'react';
import { api } from '../api/client.js';
import { CreateUserForm } from '../admin/create-user-form.js';
import { ResetPassword } from '../admin/reset-password.js';
import { Problem } from '../components/forms.js';
import { bytesText, whenText } from '../format.js';
import { useLoaded } from '../library/use-loaded.js';
import './admin-page.css';

/** Users, for administrators: who has a library here, a new one, a forgotten password. */
export function AdminPage({ isAdmin }: { isAdmin: boolean }) {
  if (!isAdmin) {
    return (
      <section className="admin">
        <h1>Administration</h1>
        <p>Only administrators can manage users.</p>
      </section>
    );
  }
  return <Users />;
}

function Users() {
  const [created, setCreated] = useState<string>();
  const loaded = useLoaded('The users', () => api.GET('/api/v1/users'), [created]);
  const { error } = loaded;
  const users = loaded.data?.users;

  return (
    <section className="admin">
      <h1>Administration</h1>
      <h2>New user</h2>
      <CreateUserForm onCreated={setCreated} />
      <p role="status">{created && `${created} can sign in now.`}</p>
      <h2 id="users-heading">Users</h2>
      <Problem text={error} />
      {!users && !error && <p className="loading">Loading…</p>}
      {users && (
        <div className="users-scroll">
          <table className="users" aria-labelledby="users-heading">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Administrator</th>
                <th scope="col">Quota</th>
                <th scope="col">Created</th>
                <th scope="col">Password</th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <tr key={user.id}>
                  <th scope="row">{user.name}</th>
                  <td>{user.isAdmin ? 'Yes' : 'No'}</td>
                  <td>{user.quotaBytes === null ? 'No limit' : bytesText(user.quotaBytes)}</td>
                  <td>
                    <time dateTime={user.createdAt}>{whenText(user.createdAt)}</time>
                  </td>
                  <td>
                    <ResetPassword userId={user.id} name={user.name} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
