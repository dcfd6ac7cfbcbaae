def test_register_lists_provider(client, make_user, make_provider, login):
    provider = make_provider(name="Bridges Learning Centre")
    login(make_user("officer"))
    response = client.get("/providers")
    assert response.status_code == 200
    assert b"Bridges Learning Centre" in response.data
